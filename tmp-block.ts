import { openTestChain, makeTx } from './test/helpers/chain.ts';
import { decodeTx } from './node/tx/tx.ts';
import { decodeAddress } from './protocol/crypto/address.ts';
import { deterministicUser } from './test/helpers/chain.ts';
import type { AnyMsg } from './protocol/messages/index.ts';
const t = await openTestChain({ users: 4 });
const recipients = Array.from({ length: 64 }, (_, i) => decodeAddress(deterministicUser(100 + i).address));
const msg = { type: 'bank/multi-send', outputs: recipients.map((to) => ({ to, amount: 1n })) } as AnyMsg;
const proposer = decodeAddress(t.operator.address);
for (let b = 0; b < 3; b++) {
  const txs = t.users.slice(0, 3).map((u) => decodeTx(makeTx(u, Array.from({ length: 28 }, () => msg), { sequence: BigInt(b), fee: 10_000_000n })));
  let t0 = performance.now();
  const built = await t.builder.buildBlock({ txs, solutions: [], evidence: [], handoffs: [] }, { time: t.chain.head.time + 1000n, proposer, lastCommit: (await t.chain.getCommit(t.chain.head.height)) ?? null });
  const buildMs = performance.now() - t0;
  t0 = performance.now();
  const v = await t.builder.verifyBlock(built.block);
  const verifyMs = performance.now() - t0;
  console.log(`block ${b}: ${built.txs.length} txs, build ${buildMs.toFixed(0)} ms, verify ${verifyMs.toFixed(0)} ms`);
  await t.commitCandidate(v);
}
await t.close();
