/**
 * The pieces that keep a validator's consensus ahead of a transaction flood: the admission gate
 * (admissions wait while a block is executed or committed, in order, and are refused with E_BUSY
 * past a bound), the gossip batcher (one message per flush, in submission order, split at the
 * caps) and the proposer's build-cost estimate (bounds the whole build, not only its loop).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdmissionGate } from '../../node/services/admission-gate.ts';
import { TxGossip } from '../../node/services/tx-gossip.ts';
import { BuildCost } from '../../node/consensus/build-cost.ts';
import { decodeAs } from '../../protocol/encoding/cbor.ts';
import { GOSSIP_BATCH_MAX_BYTES, MAX_GOSSIP_BATCH_TXS, txBatchSchema } from '../../node/p2p/messages.ts';

test('admissions wait while block work runs, resume in arrival order, and past the bound get E_BUSY', async () => {
  const gate = new AdmissionGate(2);
  await gate.pass(); // no block work: at once
  const order: string[] = [];
  let finish!: () => void;
  const work = gate.during(() => new Promise<void>((r) => (finish = r)).then(() => order.push('block')));
  const first = gate.pass().then(() => order.push('tx1'));
  const second = gate.pass().then(() => order.push('tx2'));
  await assert.rejects(gate.pass(), (e: Error & { code?: string }) => e.code === 'E_BUSY');
  assert.equal(gate.waitingCount, 2);
  // overlapping block work keeps the gate held until both end
  let finishInner!: () => void;
  const inner = gate.during(() => new Promise<void>((r) => (finishInner = r)));
  finish();
  await work;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['block']);
  finishInner();
  await inner;
  await Promise.all([first, second]);
  assert.deepEqual(order, ['block', 'tx1', 'tx2']);
  assert.equal(gate.waitingCount, 0);
});

test('block work that throws still releases the waiting admissions', async () => {
  const gate = new AdmissionGate();
  const failing = gate.during(async () => {
    await new Promise((r) => setImmediate(r));
    throw new Error('bad block');
  });
  const waiting = gate.pass();
  await assert.rejects(failing, /bad block/);
  await waiting;
  assert.equal(gate.waitingCount, 0);
});

test('gossiped transactions leave in batches, in submission order, split at the count and byte caps', async () => {
  const sent: Uint8Array[][] = [];
  const gossip = new TxGossip(() => ({ publish: async (_topic: string, data: Uint8Array) => void sent.push(decodeAs(txBatchSchema, data, GOSSIP_BATCH_MAX_BYTES)) }), 5);
  for (let i = 0; i < 3; i++) gossip.add(new Uint8Array([i]));
  assert.equal(sent.length, 0, 'held for the flush interval');
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(sent, [[new Uint8Array([0]), new Uint8Array([1]), new Uint8Array([2])]]);
  // the count cap flushes at once
  for (let i = 0; i < MAX_GOSSIP_BATCH_TXS; i++) gossip.add(new Uint8Array([i % 256]));
  assert.equal(sent.length, 2);
  assert.equal(sent[1]!.length, MAX_GOSSIP_BATCH_TXS);
  // the byte cap: a transaction that would overflow the batch starts the next one
  const big = new Uint8Array(250 * 1024); // four fit in 1 MiB
  for (let i = 0; i < 6; i++) gossip.add(big);
  gossip.flush();
  assert.deepEqual(sent.slice(2).map((b) => b.length), [4, 2]);
  gossip.flush(); // nothing queued: nothing sent
  assert.equal(sent.length, 4);
});

test('the build cost estimate follows measured builds and always allows one transaction', () => {
  const cost = new BuildCost();
  assert.equal(cost.maxTxs(400), 800, 'first guess 0.5 ms per transaction');
  for (let i = 0; i < 30; i++) cost.observe(2_000, 1_000); // 2 ms each on a loaded machine
  assert.ok(Math.abs(cost.maxTxs(400) - 200) <= 1, `${cost.maxTxs(400)}`);
  cost.observe(5_000, 3); // a tiny block says nothing about the per-transaction cost
  assert.ok(Math.abs(cost.maxTxs(400) - 200) <= 1);
  assert.equal(cost.maxTxs(0), 1);
});
