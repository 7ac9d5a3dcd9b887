// libp2p 3 calls Promise.withResolvers (a Node 22 API); provide it on Node 20. Plain JS on
// purpose: it is loaded with --import, where a TypeScript file would break snarkjs's workers.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
