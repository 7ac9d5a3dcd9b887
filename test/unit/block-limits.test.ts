/**
 * maxBlockWeight bounds the work of a block (issue: 4 MiB of multi-send outputs halted the devnet):
 * the proposer's reap stops at the weight cap, and a block over it is invalid for every validator.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestChain, makeTx } from '../helpers/chain.ts';
import { poolFor } from '../helpers/mempool.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { txWeight } from '../../node/exec/ante.ts';
import { QuarryError } from '../../protocol/errors.ts';

import { getAccount } from '../../node/modules/bank/account.ts';

test('a block holds at most maxBlockWeight of transaction weight; an overweight block is refused', { timeout: 60_000 }, async () => {
  const t = await openTestChain({ users: 4, params: { maxBlockWeight: 20_000n } });
  try {
    const [a, b, c, d] = t.users;
    const outputs = Array.from({ length: 60 }, () => ({ to: decodeAddress(d!.address), amount: 1n }));
    const multiSend = { type: 'bank/multi-send', outputs } as AnyMsg;
    const txs = [a!, b!, c!].map((u) => makeTx(u, [multiSend], { sequence: 0n, fee: 50_000n }));
    const weight = txWeight(decodeTx(txs[0]!));
    assert.ok(weight > 6_700n && weight <= 10_000n, `each multi-send weighs ${weight}: two fit, three do not`);

    const pool = poolFor(t);
    for (const tx of txs) await pool.add(tx);
    const reaped = pool.reap({ maxTxs: 100, maxBytes: 1 << 20, maxWeight: 20_000n });
    assert.equal(reaped.length, 2, 'the proposer takes what fits the weight cap');

    const built = await t.produce(reaped.map((tx) => tx.bytes));
    assert.equal(built.txs.length, 2);
    // the same block carrying all three: every validator refuses it before comparing headers
    const next = await t.builder.buildBlock({ txs: [], solutions: [], evidence: [], handoffs: [] }, { time: t.chain.head.time + 1000n, proposer: built.block.header.proposer, lastCommit: (await t.chain.getCommit(t.chain.head.height)) ?? null });
    const valid = await Promise.all([a!, b!, c!].map(async (u) => makeTx(u, [multiSend], { sequence: (await getAccount(t.chain.latestState, decodeAddress(u.address))).sequence, fee: 50_000n })));
    await assert.rejects(t.builder.verifyBlock({ ...next.block, txs: valid }), (err: unknown) => err instanceof QuarryError && err.code === 'E_BAD_BLOCK' && /maxBlockWeight/.test(err.message));
  } finally {
    await t.close();
  }
});

test("the proposer's time budget ends its transaction list early; the rest stay for the next block and the block is valid", { timeout: 60_000 }, async () => {
  const t = await openTestChain({ users: 4 });
  try {
    const [a, b, c, d] = t.users;
    const txs = [a!, b!, c!].map((u) => decodeTx(makeTx(u, [{ type: 'bank/send', to: decodeAddress(d!.address), amount: 1n } as AnyMsg], { sequence: 0n })));
    // spent from the start, as on a machine too slow for the block: one transaction still goes in
    const full = () => true;
    const lastCommit = (await t.chain.getCommit(t.chain.head.height)) ?? null;
    const proposer = decodeAddress(t.operator.address);
    const built = await t.builder.buildBlock({ txs, solutions: [], evidence: [], handoffs: [] }, { time: t.chain.head.time + 1000n, proposer, lastCommit, full });
    assert.equal(built.txs.length, 1, 'one transaction is always taken; then the budget was spent');
    assert.equal(built.exec.rejected.length, 0, 'the others are not rejected: they wait in the mempool');
    const verified = await t.builder.verifyBlock(built.block);
    assert.deepEqual(verified.hash, built.hash, 'every validator accepts the shorter block');
    const unbounded = await t.builder.buildBlock({ txs, solutions: [], evidence: [], handoffs: [] }, { time: t.chain.head.time + 1000n, proposer, lastCommit });
    assert.equal(unbounded.txs.length, 3, 'without a budget every transaction is executed');
  } finally {
    await t.close();
  }
});
