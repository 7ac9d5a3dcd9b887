/**
 * Issue #11 "Scale" (docs/market.md §due-index): the market's end of block reads the requests due
 * at its height and the few its marked asks try, never the open list. A StateReader at the edge
 * counts the reads; the state is built with the market's own state functions, and the same work
 * is run with 10 and with 1,000 open requests: the reads must not differ.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex, u64be } from '../../protocol/encoding/bytes.ts';
import { sha256 } from '../../node/crypto/hash.ts';
import { NO_ID } from '../../node/state/record.ts';
import { Overlay, type StateReader } from '../../node/state/view.ts';
import type { ChainEvent } from '../../node/modules/types.ts';
import { marketEndBlock, MATCH_SCAN_LIMIT } from '../../node/modules/market/end-block.ts';
import { dueAt, matchDue, openRequests, putRequest, scheduleMatching, waiting } from '../../node/modules/market/request-index.ts';
import { askers, askId, asks, DEFAULT_MARKET_PARAMS, EMPTY_PROVER, marketParams, provers, requests, type ProofRequest } from '../../node/modules/market/state.ts';

const CIRCUIT = sha256(new Uint8Array([1]));
const PROVER = new Uint8Array(20).fill(7);
const FAR = 1_000_000n;
const H = 100n;

/** Committed state in memory; counts reads of request records. */
class CountingState implements StateReader {
  readonly data = new Map<string, Uint8Array>();
  readonly requestKeys = new Set<string>();
  requestReads = 0;
  reads = 0;
  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const k = toHex(key);
    this.reads++;
    if (this.requestKeys.has(k)) this.requestReads++;
    return this.data.get(k);
  }
  commit(o: Overlay): void {
    for (const c of o.changes()) c.value ? this.data.set(toHex(c.key), c.value) : this.data.delete(toHex(c.key));
    this.reads = this.requestReads = 0;
  }
}

const idOf = (tag: string, i: number) => sha256(new TextEncoder().encode(`${tag}/${i}`));

function request(o: Partial<ProofRequest> = {}): ProofRequest {
  return {
    requester: new Uint8Array(20).fill(1), circuitId: CIRCUIT, inputs: [], minPrice: 0n, maxPrice: 100n, rampBlocks: 0n, lockBlocks: 0n,
    deadline: FAR, collateral: 0n, minReputationPpm: 0n, escalationCap: 1_000n, escrow: 0n, fillerReward: 0n, createdAt: 0n,
    listedAt: 0n, status: 'open', lock: null, reservation: null, filledBy: null, paid: 0n, relists: 0n, declinedBy: [], owedTo: [], mode: 'book', drawAt: 0n, winners: 1n, racers: [], sealed: null, ...o,
  };
}

/** The due requests of the scenario: two relist at H, one expires at H (its price is at the cap), one lock times out at H + 1. */
const DUE: Array<[string, Partial<ProofRequest>]> = [
  ['relist-a', { deadline: H, listedAt: H - 10n }],
  ['expire', { deadline: H, maxPrice: 1_000n }],
  ['relist-b', { deadline: H, listedAt: H - 10n }],
  ['timeout', { status: 'locked', maxPrice: 0n, escalationCap: 0n, lock: { prover: PROVER, price: 0n, lockedAt: H - 5n, expiresAt: H, collateral: 0n, viaAsk: false, awaitingSeal: 0n, sealedAt: 0n } }],
];

async function market(open: number, o: { ask?: { price: bigint; capacity: bigint } } = {}): Promise<CountingState> {
  const base = new CountingState();
  const s = new Overlay(base);
  marketParams.put(s, NO_ID, DEFAULT_MARKET_PARAMS);
  provers.put(s, PROVER, { ...EMPTY_PROVER, bond: 1_000_000_000n });
  for (let i = 0; i < open; i++) await putRequest(s, idOf('open', i), request());
  for (const [tag, r] of DUE) await putRequest(s, idOf(tag, 0), request(r));
  if (o.ask) {
    askers.put(s, CIRCUIT, { provers: [PROVER] });
    asks.put(s, askId(PROVER, CIRCUIT), { price: o.ask.price, maxTurnaround: 5n, capacity: o.ask.capacity, active: 0n, createdAt: 0n });
    await scheduleMatching(s, H - 1n, CIRCUIT);
  }
  for (const k of [...Array(open).keys()].map((i) => idOf('open', i)).concat(DUE.map(([tag]) => idOf(tag, 0)))) base.requestKeys.add(toHex(requests.key(k)));
  base.commit(s);
  return base;
}

async function endBlock(base: CountingState, height: bigint): Promise<{ events: ChainEvent[]; requestReads: number; reads: number }> {
  const s = new Overlay(base);
  const events: ChainEvent[] = [];
  await marketEndBlock(s, height, events);
  const out = { events, requestReads: base.requestReads, reads: base.reads };
  base.commit(s);
  return out;
}

const byRequest = (events: ChainEvent[]) => events.map((e) => `${e.type} ${DUE.find(([tag]) => toHex(idOf(tag, 0)) === e.request)?.[0]}`);

test('end of block reads only the requests due, the same with 10 or 1,000 open, and each fires at its height', async () => {
  const runs = [];
  for (const open of [10, 1000]) {
    const base = await market(open);
    const before = await endBlock(base, H - 1n);
    const at = await endBlock(base, H);
    const after = await endBlock(base, H + 1n);
    assert.deepEqual(before.events, [], 'nothing is due before H');
    assert.deepEqual(byRequest(at.events), ['market-relist relist-a', 'market-expired expire', 'market-relist relist-b'], 'deadlines fire at H, in the order they became due');
    assert.deepEqual(byRequest(after.events), ['market-slash timeout'], 'a lock expiring at H is slashed at H + 1');
    assert.ok(at.requestReads <= 3 * 3, `3 due requests, ${at.requestReads} request reads`);
    assert.equal(await openRequests.count(base, NO_ID), BigInt(open + 3), 'the expired request left the open list');
    assert.equal(await dueAt.count(base, u64be(H)), 0n, 'the settled bucket is gone from state');
    assert.equal(await dueAt.count(base, u64be(H + 10n)), 2n, 'relisted requests are due a deadline length later');
    runs.push([before.reads, at.reads, after.reads]);
  }
  assert.deepEqual(runs[1], runs[0], 'state reads do not grow with the open requests');
});

test('an ask takes waiting requests in order and stops when full; an ask that fits none tries at most MATCH_SCAN_LIMIT per block', async () => {
  const full = await market(1000, { ask: { price: 50n, capacity: 3n } });
  const first = (await openRequests.walk(full, NO_ID, 3)).map(toHex);
  const matched = await endBlock(full, H - 1n);
  assert.deepEqual(matched.events.map((e) => [e.type, e.request]), first.map((id) => ['market-lock', id]), 'the three oldest waiting requests are locked');
  assert.ok(matched.requestReads <= 3 * 3, `${matched.requestReads} request reads for 3 matches out of 1,000 waiting`);
  assert.equal(await matchDue.get(full, u64be(H)), undefined, 'a full ask carries nothing to the next block');

  const dear = await market(1000, { ask: { price: 5_000n, capacity: 3n } });
  const waitingBefore = await waiting.walk(dear, CIRCUIT, 1003);
  const scan = await endBlock(dear, H - 1n);
  assert.deepEqual(scan.events, []);
  assert.equal(scan.requestReads, MATCH_SCAN_LIMIT, 'each tried request is read once');
  assert.equal((await matchDue.get(dear, u64be(H)))?.circuits[0]?.left, 1003n - BigInt(MATCH_SCAN_LIMIT), 'the rest are tried next block');
  const waitingAfter = await waiting.walk(dear, CIRCUIT, 1003);
  assert.deepEqual(waitingAfter.map(toHex), [...waitingBefore.slice(MATCH_SCAN_LIMIT), ...waitingBefore.slice(0, MATCH_SCAN_LIMIT)].map(toHex), 'tried requests moved to the back');
});
