/**
 * A validator verifies a proposed block without decoding and signature-checking again the
 * transactions its mempool already holds (node/chain/block-builder.ts KnownTxs): the outcome is
 * the block a full decode accepts, and bytes the mempool does not hold are still decoded and
 * checked (a bad signature is refused).
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestChain, makeTx } from '../helpers/chain.ts';
import { poolFor } from '../helpers/mempool.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { QuarryError } from '../../protocol/errors.ts';
import type { Tx } from '../../node/tx/tx.ts';

test('transactions already in the mempool are reused by hash; others are decoded and checked', { timeout: 60_000 }, async () => {
  const t = await openTestChain({ users: 3 });
  try {
    const [a, b, c] = t.users;
    const send = (to: string) => ({ type: 'bank/send', to: decodeAddress(to), amount: 1n }) as AnyMsg;
    const pool = poolFor(t);
    const pending = [await pool.add(makeTx(a!, [send(c!.address)], { sequence: 0n })), await pool.add(makeTx(b!, [send(c!.address)], { sequence: 0n }))];
    const outsider = makeTx(c!, [send(a!.address)], { sequence: 0n }); // never admitted here
    const built = await t.builder.buildBlock({ txs: [...pending, (await poolFor(t).add(outsider))], solutions: [], evidence: [], handoffs: [] }, { time: t.chain.head.time + 1000n, proposer: decodeAddress(t.operator.address), lastCommit: (await t.chain.getCommit(t.chain.head.height)) ?? null });

    const served: Tx[] = [];
    const known = (hash: Uint8Array) => {
      const tx = pool.get(hash);
      if (tx) served.push(tx);
      return tx;
    };
    const warm = await t.builder.verifyBlock(built.block, known);
    const cold = await t.builder.verifyBlock(built.block);
    assert.deepEqual(warm.hash, cold.hash, 'the same block either way');
    assert.deepEqual(served, pending, 'the two pending transactions were reused, the outsider decoded');

    // a forged signature on bytes the mempool does not hold is still refused
    const forged = new Uint8Array(outsider);
    forged[forged.length - 1]! ^= 1;
    await assert.rejects(t.builder.verifyBlock({ ...built.block, txs: [...built.block.txs.slice(0, 2), forged] }, known), (err: unknown) => err instanceof QuarryError && err.code === 'E_BAD_BLOCK' && /signature/.test(err.message));
  } finally {
    await t.close();
  }
});
