/**
 * Market economics over many blocks (the proof check is replaced by a stand-in that accepts
 * proofs whose first byte is 1, so hundreds of requests run in seconds; real Groth16 fills are
 * covered by market.test.ts). 10 provers of different speeds, 3 of which lock and then go silent:
 * at least 99 % of requests must still be filled before their deadline; escrow and bonds must
 * balance after every block; and a requester filling its own requests must lose money.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openTestChain, makeTx } from '../helpers/chain.ts';
import { assertMarketBalanced, PREIMAGE_ID, requestMsg, preimageInputs } from '../helpers/market.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { getAccount } from '../../node/modules/bank/account.ts';
import { getProver, getRequest, type ProofRequest } from '../../node/modules/market/state.ts';
import { openRequestIds } from '../../node/modules/market/request-index.ts';
import { requestId } from '../../protocol/messages/market.ts';
import { fillCommitment } from '../../node/modules/market/commit-fill.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import type { AccountKey } from '../../node/crypto/keyfile.ts';
import type { ProofVerifier } from '../../node/modules/types.ts';

const stubVerifier: ProofVerifier = { verify: async (_id, _vk, items) => items.map((i) => i.proof[0] === 1) };
const fakeProof = () => Uint8Array.from({ length: 256 }, (_, i) => (i === 0 ? 1 : i % 251));
const m = (x: Record<string, unknown>) => x as unknown as AnyMsg;
const addr = (k: { address: string }) => decodeAddress(k.address);

interface Actor {
  key: AccountKey;
  seq: bigint;
  speed: number; // blocks it needs to prove
  silent: boolean;
}

function tx(a: Actor, msgs: AnyMsg[]): Uint8Array {
  return makeTx(a.key, msgs, { sequence: a.seq++, fee: 200_000n });
}

function signals(r: ProofRequest): string[] {
  return [r.inputs.find((i) => i.name === 'hash')!.values[0]!];
}

test('10 provers, 3 silent after locking: ≥ 99 % filled before the deadline; money always balances', { timeout: 300_000 }, async () => {
  const t = await openTestChain({ users: 12, proofs: stubVerifier });
  try {
    const requester: Actor = { key: t.users[0]!, seq: 0n, speed: 0, silent: false };
    // the silent ones post the cheapest asks, so matching keeps handing them work until slashing empties their bonds
    const provers: Actor[] = t.users.slice(1, 11).map((key, i) => ({ key, seq: 0n, speed: 1 + (i % 4), silent: i >= 7 }));
    await t.produce(provers.map((p, i) => tx(p, [m({ type: 'market/bond', amount: 30_000_000n }), m({ type: 'market/ask', circuitId: PREIMAGE_ID, price: p.silent ? 150_000n : 200_000n + 20_000n * BigInt(i), maxTurnaround: BigInt(p.speed + 1), capacity: 2n })])));
    const created: Uint8Array[] = [];
    const commits = new Map<string, { by: Actor; salt: Uint8Array; at: bigint }>();
    for (let b = 0; b < 120; b++) {
      const h = t.chain.head.height + 1n;
      const txs: Uint8Array[] = [];
      if (b < 90) {
        const msgs = [0, 1, 2].map((k) => requestMsg(BigInt(b * 3 + k + 1000), { maxPrice: 1_000_000n, lockBlocks: 6n, deadlineBlocks: 20n, collateral: 1_000_000n }));
        const bytes = tx(requester, msgs);
        txs.push(bytes);
        msgs.forEach((_, k) => created.push(requestId(decodeTx(bytes).hash, k)));
      }
      for await (const id of openRequestIds(t.chain.latestState)) {
        const r = await getRequest(t.chain.latestState, id);
        const key = toHex(id);
        if (r.status === 'locked') {
          const p = provers.find((x) => toHex(addr(x.key)) === toHex(r.lock!.prover))!;
          if (!p.silent && h >= r.lock!.lockedAt + BigInt(p.speed)) txs.push(tx(p, [m({ type: 'market/fulfill', requestId: id, proof: fakeProof(), publicSignals: signals(r) })]));
        } else if (r.status === 'open') {
          const p = provers.filter((x) => !x.silent)[b % 7]!; // an honest prover takes auction work
          if ((await getProver(t.chain.latestState, addr(p.key))).bond - (await getProver(t.chain.latestState, addr(p.key))).locked >= r.collateral) txs.push(tx(p, [m({ type: 'market/lock', requestId: id })]));
        } else if (r.status === 'open-fill') {
          const c = commits.get(key);
          if (!c) {
            const by = provers.filter((x) => !x.silent)[(b + 3) % 7]!;
            const salt = randomBytes(32);
            commits.set(key, { by, salt, at: h });
            txs.push(tx(by, [m({ type: 'market/commit-fill', requestId: id, commitment: fillCommitment(id, fakeProof(), addr(by.key), salt) })]));
          } else if (h > c.at) txs.push(tx(c.by, [m({ type: 'market/reveal-fill', requestId: id, proof: fakeProof(), publicSignals: signals(r), salt: c.salt })]));
        }
      }
      const block = await t.produce(txs);
      assert.equal(block.exec.rejected.length, 0, block.exec.rejected[0]?.error.message);
      if (b % 10 === 0) await assertMarketBalanced(t);
    }
    await assertMarketBalanced(t);
    let filled = 0;
    let slashedLocks = 0;
    for (const id of created) {
      const r = await getRequest(t.chain.latestState, id);
      if (r.status === 'fulfilled') filled++;
    }
    for (const p of provers.filter((x) => x.silent)) slashedLocks += Number((await getProver(t.chain.latestState, addr(p.key))).slashed);
    process.stdout.write(`market simulation: ${filled}/${created.length} filled, ${slashedLocks} locks slashed\n`);
    assert.ok(slashedLocks > 0, 'silent provers were slashed');
    assert.ok(filled / created.length >= 0.99, `filled ${filled} of ${created.length}`);
  } finally {
    await t.close();
  }
});

test('a requester that fills its own requests loses its fees and the rounded-up market fee at every price', async () => {
  const t = await openTestChain({ users: 1, proofs: stubVerifier });
  try {
    const me: Actor = { key: t.users[0]!, seq: 0n, speed: 1, silent: false };
    await t.produce([tx(me, [m({ type: 'market/bond', amount: 5_000_000n })])]);
    const start = (await getAccount(t.chain.latestState, addr(me.key))).balance;
    const prices = [1n, 50n, 99n, 100n, 101n, 900_000n];
    for (const [i, price] of prices.entries()) {
      const bytes = tx(me, [m({ type: 'market/ask', circuitId: PREIMAGE_ID, price, maxTurnaround: 3n, capacity: 1n }), requestMsg(BigInt(i + 1), { minPrice: price, maxPrice: price })]);
      await t.produce([bytes]);
      const id = requestId(decodeTx(bytes).hash, 1);
      assert.equal((await getRequest(t.chain.latestState, id)).status, 'locked');
      await t.produce([tx(me, [m({ type: 'market/fulfill', requestId: id, proof: fakeProof(), publicSignals: [preimageInputs(BigInt(i + 1))[0]!.values[0]!] })])]);
      assert.equal((await getRequest(t.chain.latestState, id)).status, 'fulfilled');
    }
    const end = (await getAccount(t.chain.latestState, addr(me.key))).balance;
    const marketFees = [1n, 1n, 1n, 1n, 2n, 9_000n]; // 1 % of each price, rounded up: never 0
    assert.equal(start - end, BigInt(prices.length) * 2n * 200_000n + marketFees.reduce((a, b) => a + b), 'two transaction fees and one rounded-up 1 % market fee per fill');
    const p = await getProver(t.chain.latestState, addr(me.key));
    assert.equal(p.onTimeValue, prices.reduce((a, b) => a + b), 'reputation counts the value washed, which the burned fee prices');
  } finally {
    await t.close();
  }
});
