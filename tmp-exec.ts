import { openTestChain, makeTx, deterministicUser } from './test/helpers/chain.ts';
import { decodeTx } from './node/tx/tx.ts';
import { decodeAddress } from './protocol/crypto/address.ts';
import { executeBlock } from './node/exec/execute.ts';
import type { AnyMsg } from './protocol/messages/index.ts';
const t = await openTestChain({ users: 4 });
const recipients = Array.from({ length: 64 }, (_, i) => decodeAddress(deterministicUser(100 + i).address));
const msg = { type: 'bank/multi-send', outputs: recipients.map((to) => ({ to, amount: 1n })) } as AnyMsg;
const proposer = decodeAddress(t.operator.address);
const txs = t.users.slice(0, 3).map((u) => decodeTx(makeTx(u, Array.from({ length: 28 }, () => msg), { sequence: 0n, fee: 10_000_000n })));
const ctx = { chainId: t.chain.chainId, height: 1n, time: t.chain.head.time + 1000n, proposer, puzzle: { height: 1n, epoch: 0n, challenge: new Uint8Array(32), checker: null as never }, proofs: null as never, lastCommit: null, evidence: [], handoffs: [] };
for (let r = 0; r < 6; r++) {
  let t0 = performance.now();
  const exec = await executeBlock(t.chain.latestState, ctx as never, { txs, solutions: [], evidence: [] }, 'build');
  const execMs = performance.now() - t0;
  t0 = performance.now();
  const changes = exec.state.changes();
  const prep = await t.chain.state.prepare(t.chain.head.height, 1n, changes);
  const prepMs = performance.now() - t0;
  console.log(`exec ${execMs.toFixed(0)} ms (${exec.included.length} txs, ${exec.receipts.reduce((s, r) => s + r.events.length, 0)} events), prepare ${prepMs.toFixed(0)} ms (${changes.length} keys)`);
}
await t.close();
