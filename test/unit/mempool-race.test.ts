/**
 * Concurrent admissions (issue #16, finding 2): submissions that arrive together, as an RPC
 * server or gossip delivers them, must be judged as if they came one at a time, and nothing
 * admitted may outlive its sequence being used on chain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTx } from '../../node/tx/tx.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { getAccount } from '../../node/modules/bank/account.ts';
import type { Mempool } from '../../node/mempool/mempool.ts';
import type { StateReader } from '../../node/state/view.ts';
import { openTestChain, makeTx, sendMsg, type TestChain } from '../helpers/chain.ts';
import { poolFor, rejection } from '../helpers/mempool.ts';

const hashOf = (bytes: Uint8Array): string => toHex(decodeTx(bytes).hash);

/** Size and bytes agree with the entries, and every entry is reachable by block building. */
function assertConsistent(pool: Mempool): void {
  const entries = pool.entries();
  assert.equal(pool.size, entries.length);
  assert.equal(pool.bytes, entries.reduce((s, e) => s + e.tx.bytes.length, 0));
  assert.equal(pool.reap({ maxTxs: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER, maxWeight: 1n << 62n }).length, pool.size, 'an entry is unreachable by reap');
}

/** Commits everything the pool offers, rechecks, and checks that nothing submitted is still pending. */
async function drain(t: TestChain, pool: Mempool, submitted: Uint8Array[]): Promise<void> {
  const reaped = pool.reap({ maxTxs: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER, maxWeight: 1n << 62n });
  await t.produce(reaped.map((tx) => tx.bytes));
  await pool.recheck();
  assert.deepEqual({ size: pool.size, bytes: pool.bytes }, { size: 0, bytes: 0 });
  for (const bytes of submitted) assert.equal(pool.has(decodeTx(bytes).hash), false, 'a submitted transaction still reads as pending');
}

test('the same bytes submitted three times at once are admitted once', async () => {
  const t = await openTestChain();
  const pool = poolFor(t);
  try {
    const [a, b] = t.users;
    const tx = makeTx(a!, [sendMsg(b!, 1n)], { sequence: 0n });
    const codes = await Promise.all([tx, tx, tx].map((x) => rejection(pool.add(x))));
    assert.deepEqual(codes.sort(), ['E_DUPLICATE', 'E_DUPLICATE', 'accepted']);
    assert.deepEqual({ size: pool.size, bytes: pool.bytes }, { size: 1, bytes: tx.length });
    assertConsistent(pool);
    await drain(t, pool, [tx]);
  } finally {
    await t.close();
  }
});

test('20 concurrent pairs with one sender and sequence each: one admitted, the other refused', async () => {
  const t = await openTestChain({ users: 21 });
  const pool = poolFor(t);
  try {
    const to = t.users[20]!;
    const pairs = t.users.slice(0, 20).map((u) => [1n, 2n].map((amount) => makeTx(u, [sendMsg(to, amount)], { sequence: 0n, fee: 10_000n })));
    const codes = await Promise.all(pairs.map((pair) => Promise.all(pair.map((x) => rejection(pool.add(x))))));
    // an equal fee is not a replacement (docs/mempool.md, admission step 4)
    for (const c of codes) assert.deepEqual([...c].sort(), ['E_FEE_TOO_LOW', 'accepted']);
    assert.equal(pool.size, 20);
    assertConsistent(pool);
    await drain(t, pool, pairs.flat());
  } finally {
    await t.close();
  }
});

test('20 concurrent replace-by-fee pairs: the higher fee stays and never coexists with the lower', async () => {
  const t = await openTestChain({ users: 21 });
  const pool = poolFor(t);
  try {
    const to = t.users[20]!;
    const pairs = t.users.slice(0, 20).map((u) => [10_000n, 11_000n].map((fee) => makeTx(u, [sendMsg(to, 1n)], { sequence: 0n, fee })));
    await Promise.all(pairs.flat().map((x) => rejection(pool.add(x))));
    assert.deepEqual(pool.entries().map((e) => toHex(e.tx.hash)).sort(), pairs.map(([, high]) => hashOf(high!)).sort());
    assertConsistent(pool);
    await drain(t, pool, pairs.flat());
  } finally {
    await t.close();
  }
});

test('a next-sequence transaction arriving between a block and its recheck is admitted', async () => {
  const t = await openTestChain();
  const pool = poolFor(t);
  try {
    const [a, b] = t.users;
    const first = makeTx(a!, [sendMsg(b!, 1n)], { sequence: 0n });
    await pool.add(first);
    await t.produce([first]); // sequence 0 is now used; the pool has not been told yet
    const second = makeTx(a!, [sendMsg(b!, 1n)], { sequence: 1n });
    assert.equal(await rejection(pool.add(second)), 'accepted');
    assert.deepEqual(pool.entries().map((e) => toHex(e.tx.hash)), [hashOf(second)]);
    assertConsistent(pool);
    await drain(t, pool, [first, second]);
  } finally {
    await t.close();
  }
});

test('admissions racing the post-block recheck leave no entry whose sequence is used', async () => {
  const t = await openTestChain({ users: 21 });
  const pool = poolFor(t);
  try {
    const to = t.users[20]!;
    const senders = t.users.slice(0, 20);
    const firsts = senders.map((u) => makeTx(u, [sendMsg(to, 1n)], { sequence: 0n }));
    for (const x of firsts) await pool.add(x);
    await t.produce(firsts);
    const seconds = senders.map((u) => makeTx(u, [sendMsg(to, 1n)], { sequence: 1n }));
    const [, ...codes] = await Promise.all([pool.recheck(), ...seconds.map((x) => rejection(pool.add(x)))]);
    assert.deepEqual(codes, seconds.map(() => 'accepted'));
    for (const e of pool.entries()) assert.ok(e.tx.tx.body.sequence >= (await getAccount(t.chain.latestState, e.tx.sender)).sequence, 'a stale entry survived');
    assert.equal(pool.size, 20);
    assertConsistent(pool);
    await drain(t, pool, [...firsts, ...seconds]);
  } finally {
    await t.close();
  }
});

test('a block committed while the sender account is read is not missed', async () => {
  const t = await openTestChain();
  try {
    const [a, b] = t.users;
    const onChain = makeTx(a!, [sendMsg(b!, 1n)], { sequence: 0n });
    let commitDuringRead = true;
    // the read returns the account as it was, and a block using sequence 0 lands before it resolves
    const state = (): StateReader => {
      const latest = t.chain.latestState;
      return {
        get: async (key) => {
          const value = await latest.get(key);
          if (commitDuringRead) {
            commitDuringRead = false;
            await t.produce([onChain]);
          }
          return value;
        },
      };
    };
    const pool = poolFor(t, {}, { state });
    assert.equal(await rejection(pool.add(makeTx(a!, [sendMsg(b!, 2n)], { sequence: 0n }))), 'E_SEQUENCE');
    assert.deepEqual({ size: pool.size, bytes: pool.bytes }, { size: 0, bytes: 0 });
  } finally {
    await t.close();
  }
});
