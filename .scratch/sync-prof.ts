import { openTestChain } from '../test/helpers/chain.ts';
import { verifyCommit } from '../consensus/commit.ts';
import { headerHash } from '../node/types/block.ts';
const blocks = Number(process.argv[2] ?? 300);
const [source, target] = [await openTestChain(), await openTestChain()];
for (let i = 0; i < blocks; i++) await source.produce();
const t0 = performance.now();
const phases = [0, 0, 0];
for (let h = 1n; h <= BigInt(blocks); h++) {
  const { block } = (await source.chain.getBlock(h))!;
  const commit = (await source.chain.getCommit(h))!;
  let t = performance.now();
  verifyCommit(target.chain.chainId, (await target.chain.activeSet()).set, commit, h, headerHash(block.header));
  phases[0] += performance.now() - t; t = performance.now();
  const c = await target.builder.verifyBlock(block);
  phases[1] += performance.now() - t; t = performance.now();
  await target.chain.commit(c, commit);
  phases[2] += performance.now() - t;
}
const ms = performance.now() - t0;
console.log(`${blocks} blocks ${(blocks / ms * 1000).toFixed(1)} blocks/s; per block ${phases.map((p) => (p / blocks).toFixed(2)).join(' / ')} ms`);
await source.close(); await target.close();
