/**
 * Mempool rebroadcast (docs/mempool.md §rebroadcast): a transaction waiting longer than gossip's
 * seen-cache is republished, once per period, at most `perTick` a pass, and never after it left
 * the pool (the hour soak lost five transactions that only a non-proposing node held).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rebroadcaster } from '../../node/services/rebroadcast.ts';
import type { MempoolEntry } from '../../node/mempool/mempool.ts';

const entry = (i: number): MempoolEntry => ({ id: `tx${i}`, tx: { bytes: new Uint8Array([i]) } as MempoolEntry['tx'], weight: 1n, spend: 0n, arrival: i, admittedAt: 1n });

test('waiting transactions are republished after the seen-cache window, once per window, bounded per pass, not once gone', async () => {
  let now = 0;
  let pool = [entry(1), entry(2), entry(3)];
  const sent: number[] = [];
  const r = new Rebroadcaster({ entries: () => pool, publish: async (b) => void sent.push(b[0]!), now: () => now, afterMs: 150_000, perTick: 2 });
  assert.equal(await r.tick(), 0, 'first seen: their own gossip went out moments ago');
  now = 149_000;
  assert.equal(await r.tick(), 0);
  now = 150_000;
  assert.equal(await r.tick(), 2, 'at most two a pass, best first');
  assert.deepEqual(sent, [1, 2]);
  now = 160_000;
  assert.equal(await r.tick(), 1, 'the third on the next pass');
  pool = [entry(1)]; // 2 and 3 were committed
  now = 299_000;
  assert.equal(await r.tick(), 0, 'not again within the window');
  now = 300_000;
  assert.equal(await r.tick(), 1);
  assert.deepEqual(sent, [1, 2, 3, 1]);
  pool = [];
  assert.equal(await r.tick(), 0);
  assert.equal(r.republished, 4);
});
