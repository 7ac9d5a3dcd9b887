import { openTestChain } from '../test/helpers/chain.ts';
import { verifySynced, preverifyRange } from '../node/chain/apply-synced.ts';
const blocks = Number(process.argv[2] ?? 300);
const batch = process.argv[3] === 'batch';
const [source, target] = [await openTestChain(), await openTestChain()];
for (let i = 0; i < blocks; i++) await source.produce();
const t0 = performance.now();
let pre = 0;
for (let from = 1n; from <= BigInt(blocks); from += 100n) {
  const range = [];
  for (let h = from; h < from + 100n && h <= BigInt(blocks); h++) range.push({ block: (await source.chain.getBlock(h))!.block, commit: (await source.chain.getCommit(h))! });
  const t = performance.now();
  if (batch) await preverifyRange(target.chain, range);
  pre += performance.now() - t;
  for (const { block, commit } of range) await target.chain.commit(await verifySynced(target.builder, block, commit), commit);
}
const ms = performance.now() - t0;
console.log(`${batch ? 'batch' : 'single'}: ${blocks} blocks ${(blocks / ms * 1000).toFixed(1)} blocks/s (batch check ${(pre / blocks).toFixed(2)} ms/block)`);
await source.close(); await target.close();
