import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '../../protocol/encoding/cbor.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { openTestChain, makeTx, sendMsg, USER_BALANCE } from '../helpers/chain.ts';
import { poolFor, rejection } from '../helpers/mempool.ts';

test('every rejection code, and a rejected transaction changes nothing', async () => {
  const t = await openTestChain();
  const pool = poolFor(t, { maxPerSender: 2 });
  try {
    const [a, b, c] = t.users;
    const ok = makeTx(a!, [sendMsg(b!, 5n)], { sequence: 0n });
    assert.equal(await rejection(pool.add(ok)), 'accepted');
    const badSig = makeTx(b!, [sendMsg(a!, 5n)], { sequence: 0n });
    badSig[badSig.length - 3] = badSig[badSig.length - 3]! ^ 1;
    // refusals that need no signature come first: a gapped sequence with a broken one is E_SEQUENCE
    const gappedBadSig = makeTx(b!, [sendMsg(a!, 5n)], { sequence: 9n });
    gappedBadSig[gappedBadSig.length - 3] = gappedBadSig[gappedBadSig.length - 3]! ^ 1;
    const body = decodeTx(ok).tx.body;
    const cases: Array<[string, Uint8Array]> = [
      ['E_DECODE', new Uint8Array([0xa1, 0x01])],
      ['E_TOO_LARGE', new Uint8Array(70_000)],
      ['E_BAD_SIGNATURE', badSig],
      ['E_DUPLICATE', ok],
      ['E_UNKNOWN_MSG', encode({ body: { ...body, msgs: [{ type: 'bank/steal', to: new Uint8Array(20) }] }, signature: new Uint8Array(64) })],
      ['E_WRONG_CHAIN', makeTx(b!, [sendMsg(a!, 5n)], { sequence: 0n, chainId: 'other-1' })],
      ['E_SEQUENCE', makeTx(b!, [sendMsg(a!, 5n)], { sequence: 3n })],
      ['E_SEQUENCE', gappedBadSig],
      ['E_FEE_TOO_LOW', makeTx(b!, [sendMsg(a!, 5n)], { sequence: 0n, fee: 2n })],
      ['E_FEE_TOO_LOW', makeTx(a!, [sendMsg(b!, 6n)], { sequence: 0n, fee: 10_500n })], // replacement below +10%
      ['E_INSUFFICIENT_FUNDS', makeTx(c!, [sendMsg(a!, USER_BALANCE)], { sequence: 0n })],
      ['E_EXPIRED', makeTx(c!, [sendMsg(a!, 5n)], { sequence: 0n, expiresAtHeight: 1n })],
    ];
    await t.produce([]); // the next block (height 2) is past the expiry height 1
    const before = { size: pool.size, bytes: pool.bytes, root: toHex(await t.chain.state.rootHashAt(t.chain.head.height)) };
    for (const [code, bytes] of cases) assert.equal(await rejection(pool.add(bytes)), code, code);
    assert.deepEqual({ size: pool.size, bytes: pool.bytes, root: toHex(await t.chain.state.rootHashAt(t.chain.head.height)) }, before);
    // per-sender cap
    assert.equal(await rejection(pool.add(makeTx(a!, [sendMsg(b!, 5n)], { sequence: 1n }))), 'accepted');
    assert.equal(await rejection(pool.add(makeTx(a!, [sendMsg(b!, 5n)], { sequence: 2n }))), 'E_SENDER_LIMIT');
    // the insufficient-funds check counts everything the sender already has pending
    const pend = makeTx(c!, [sendMsg(a!, USER_BALANCE / 2n)], { sequence: 0n });
    assert.equal(await rejection(pool.add(pend)), 'accepted');
    assert.equal(await rejection(pool.add(makeTx(c!, [sendMsg(a!, USER_BALANCE / 2n)], { sequence: 1n }))), 'E_INSUFFICIENT_FUNDS');
  } finally {
    await t.close();
  }
});

test('reap keeps per-sender sequence order and prefers higher fee rates across senders', async () => {
  const t = await openTestChain();
  const pool = poolFor(t);
  try {
    const [a, b, c] = t.users;
    const a0 = makeTx(a!, [sendMsg(b!, 1n)], { sequence: 0n, fee: 1_000n });
    const a1 = makeTx(a!, [sendMsg(b!, 1n)], { sequence: 1n, fee: 90_000n }); // rich, but must follow a0
    const b0 = makeTx(b!, [sendMsg(a!, 1n)], { sequence: 0n, fee: 50_000n });
    const c0 = makeTx(c!, [sendMsg(a!, 1n)], { sequence: 0n, fee: 5_000n });
    for (const tx of [a1, a0, b0, c0].slice(1)) await pool.add(tx);
    await pool.add(a1);
    const order = pool.reap({ maxTxs: 10, maxBytes: 1 << 20, maxWeight: 1n << 62n }).map((tx) => toHex(tx.hash));
    const id = (b: Uint8Array) => toHex(decodeTx(b).hash);
    assert.deepEqual(order, [id(b0), id(c0), id(a0), id(a1)]);
    assert.deepEqual(pool.reap({ maxTxs: 2, maxBytes: 1 << 20, maxWeight: 1n << 62n }).map((tx) => toHex(tx.hash)), [id(b0), id(c0)]);
  } finally {
    await t.close();
  }
});

test('replace-by-fee swaps a pending transaction when the fee rises enough', async () => {
  const t = await openTestChain();
  const pool = poolFor(t);
  try {
    const [a, b] = t.users;
    await pool.add(makeTx(a!, [sendMsg(b!, 1n)], { sequence: 0n, fee: 10_000n }));
    const better = makeTx(a!, [sendMsg(b!, 2n)], { sequence: 0n, fee: 11_000n });
    await pool.add(better);
    assert.equal(pool.size, 1);
    assert.deepEqual(pool.reap({ maxTxs: 10, maxBytes: 1 << 20, maxWeight: 1n << 62n }).map((x) => toHex(x.hash)), [toHex(decodeTx(better).hash)]);
  } finally {
    await t.close();
  }
});

test('when full, a better fee rate evicts the worst tail; a worse one gets E_MEMPOOL_FULL', async () => {
  const t = await openTestChain({ users: 5 });
  const pool = poolFor(t, { maxTxs: 3 });
  try {
    const [a, b, c, d, e] = t.users;
    await pool.add(makeTx(a!, [sendMsg(e!, 1n)], { sequence: 0n, fee: 3_000n }));
    await pool.add(makeTx(a!, [sendMsg(e!, 1n)], { sequence: 1n, fee: 2_000n }));
    await pool.add(makeTx(b!, [sendMsg(e!, 1n)], { sequence: 0n, fee: 4_000n }));
    assert.equal(await rejection(pool.add(makeTx(c!, [sendMsg(e!, 1n)], { sequence: 0n, fee: 1_000n }))), 'E_MEMPOOL_FULL');
    // refused before its signature is checked (a flood's refusals must not cost a check each):
    // the same low fee with a broken signature is still E_MEMPOOL_FULL, a high one is checked
    const lowBadSig = makeTx(c!, [sendMsg(e!, 1n)], { sequence: 0n, fee: 1_000n });
    lowBadSig[lowBadSig.length - 3]! ^= 1;
    assert.equal(await rejection(pool.add(lowBadSig)), 'E_MEMPOOL_FULL');
    const highBadSig = makeTx(d!, [sendMsg(e!, 1n)], { sequence: 0n, fee: 9_500n });
    highBadSig[highBadSig.length - 3]! ^= 1;
    assert.equal(await rejection(pool.add(highBadSig)), 'E_BAD_SIGNATURE');
    assert.equal(pool.size, 3);
    await pool.add(makeTx(d!, [sendMsg(e!, 1n)], { sequence: 0n, fee: 9_000n }));
    assert.equal(pool.size, 3);
    // a's tail (sequence 1, the lowest rate) was evicted; a's head stays
    const seqs = pool.entries().map((x) => `${x.tx.tx.body.fee}`);
    assert.deepEqual(seqs.sort(), ['3000', '4000', '9000']);
  } finally {
    await t.close();
  }
});

test('recheck after a block drops included, expired and now-unaffordable entries', async () => {
  const t = await openTestChain();
  const pool = poolFor(t);
  try {
    const [a, b, c] = t.users;
    const inc = makeTx(a!, [sendMsg(b!, 1n)], { sequence: 0n });
    const next = makeTx(a!, [sendMsg(b!, 1n)], { sequence: 1n });
    const expiring = makeTx(b!, [sendMsg(a!, 1n)], { sequence: 0n, expiresAtHeight: 1n });
    const spendAll = makeTx(c!, [sendMsg(a!, USER_BALANCE - 20_000n)], { sequence: 0n });
    for (const x of [inc, next, expiring, spendAll]) await pool.add(x);
    // c spends its balance elsewhere in a block this pool never saw
    const drain = makeTx(c!, [sendMsg(b!, USER_BALANCE - 20_000n)], { sequence: 0n, fee: 10_001n });
    await t.produce([inc, drain], t.chain.head.time + 5n);
    await t.produce([], t.chain.head.time + 5n);
    const removed = await pool.recheck();
    assert.equal(removed, 3);
    assert.deepEqual(pool.entries().map((e) => toHex(e.tx.hash)), [toHex(decodeTx(next).hash)]);
  } finally {
    await t.close();
  }
});

test('a transaction left waiting more than ttlBlocks is dropped with its later sequences; a fresh one stays', async () => {
  const t = await openTestChain();
  const pool = poolFor(t, { ttlBlocks: 2 });
  try {
    const [a, b] = t.users;
    const stale = [0n, 1n].map((sequence) => makeTx(a!, [sendMsg(b!, 1n)], { sequence }));
    for (const x of stale) await pool.add(x);
    await t.produce([]);
    const fresh = makeTx(b!, [sendMsg(a!, 1n)], { sequence: 0n });
    await pool.add(fresh);
    await t.produce([]);
    assert.equal(await pool.recheck(), 0, 'two blocks of waiting are within the ttl');
    await t.produce([]);
    assert.equal(await pool.recheck(), 2, 'the third block drops the stale run');
    assert.deepEqual(pool.entries().map((e) => toHex(e.tx.hash)), [toHex(decodeTx(fresh).hash)]);
    assert.equal(pool.bytes, fresh.length);
  } finally {
    await t.close();
  }
});
