/**
 * `node:fs` for the browser: node/genesis.ts, which the light client shares with the node, imports
 * a file reader (loading a genesis file from disk) that a page never calls; calling it is a bug,
 * said so. Substituted by scripts/build-web.mjs.
 */
export function readFileSync(): never {
  throw new Error('node:fs readFileSync is not available in the browser');
}
