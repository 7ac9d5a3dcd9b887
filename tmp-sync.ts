import { openTestChain } from './test/helpers/chain.ts';
const [source, target] = [await openTestChain(), await openTestChain()];
for (let i = 0; i < 150; i++) await source.produce();
const { Session } = await import('node:inspector/promises');
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.start');
const t0 = performance.now();
for (let h = 1n; h <= 150n; h++) {
  const { block } = (await source.chain.getBlock(h))!;
  const commit = (await source.chain.getCommit(h))!;
  const c = await target.builder.verifyBlock(block);
  await target.chain.commit(c, commit);
}
console.log('ms per block', ((performance.now() - t0) / 150).toFixed(2));
const { profile } = await session.post('Profiler.stop');
(await import('node:fs')).writeFileSync('/tmp/cpuprof/sync.cpuprofile', JSON.stringify(profile));
await source.close(); await target.close();
