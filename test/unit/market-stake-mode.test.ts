/**
 * Stake-mode selection (issue #12, docs/market.md §selection): a request is assigned to one
 * eligible prover drawn with probability proportional to its stake, from the beacon mix of the
 * block after the one that included it; a prover that misses is slashed and the request re-drawn
 * at once among the others. The draws are checked as a pure function over many seeds (frequencies
 * match stake; splitting a stake over ten addresses does not raise its share), then on a chain.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256, taggedHash } from '../../node/crypto/hash.ts';
import { drawAsk, type AskCandidate } from '../../node/modules/market/pricing.ts';
import { EMPTY_PROVER, getProver, getRequest } from '../../node/modules/market/state.ts';
import { getBeaconMix } from '../../node/modules/beacon.ts';
import { askCandidates } from '../../node/modules/market/match.ts';
import { openTestChain } from '../helpers/chain.ts';
import { assertMarketBalanced, MarketDriver, PREIMAGE_ID, preimageFill, requestMsg } from '../helpers/market.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { equalBytes, toHex } from '../../protocol/encoding/bytes.ts';
import type { AccountKey } from '../../node/crypto/keyfile.ts';

const QRY = 1_000_000n;
const candidate = (n: number, bond: bigint, delegated = 0n): AskCandidate => ({
  prover: new Uint8Array(20).fill(n),
  ask: { price: 1n, maxTurnaround: 5n, capacity: 1n, active: 0n, createdAt: 0n },
  state: { ...EMPTY_PROVER, bond, delegated },
});
const seeds = (n: number) => Array.from({ length: n }, (_, i) => sha256(new Uint8Array([i & 0xff, i >> 8, 7])));

/** How often each prover byte wins over the seeds. */
function frequencies(cs: AskCandidate[], draws: Uint8Array[]): Map<number, number> {
  const wins = new Map<number, number>();
  for (const s of draws) {
    const w = drawAsk(cs, s)!.prover[0]!;
    wins.set(w, (wins.get(w) ?? 0) + 1);
  }
  return wins;
}

/** Within 4 standard deviations of the binomial mean: a false alarm about once in 15,000 runs (the seeds are fixed, so never flaky). */
function near(observed: number, p: number, n: number, what: string): void {
  const sd = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(observed - n * p) <= 4 * sd, `${what}: ${observed} of ${n}, expected ${(n * p).toFixed(0)} ± ${(4 * sd).toFixed(0)}`);
}

test('draws follow stake (bond plus delegations) over 6,000 seeds; no stake, no draw', () => {
  const n = 6_000;
  const cs = [candidate(1, 10n * QRY), candidate(2, 5n * QRY, 15n * QRY), candidate(3, 70n * QRY)];
  const wins = frequencies(cs, seeds(n));
  near(wins.get(1) ?? 0, 0.1, n, 'a tenth of the stake');
  near(wins.get(2) ?? 0, 0.2, n, 'a fifth, most of it delegated');
  near(wins.get(3) ?? 0, 0.7, n, 'the rest');
  assert.equal(drawAsk([], seeds(1)[0]!), null);
  assert.equal(drawAsk([candidate(4, 0n)], seeds(1)[0]!), null);
  assert.deepEqual(drawAsk(cs.slice().reverse(), seeds(1)[0]!), drawAsk(cs, seeds(1)[0]!), 'the order candidates come in does not matter');
});

test('splitting a stake over ten addresses does not raise its share of the draws', () => {
  const n = 6_000;
  const whole = [candidate(1, 50n * QRY), candidate(200, 50n * QRY)];
  const split = [...Array.from({ length: 10 }, (_, i) => candidate(10 + i, 5n * QRY)), candidate(200, 50n * QRY)];
  const wholeShare = frequencies(whole, seeds(n)).get(1) ?? 0;
  const splitShare = [...frequencies(split, seeds(n))].filter(([p]) => p !== 200).reduce((s, [, w]) => s + w, 0);
  near(wholeShare, 0.5, n, 'one address with half the stake');
  near(splitShare, 0.5, n, 'ten addresses with a twentieth each');
});

test('on a chain: drawn at the next block from its beacon mix, paid the requester\'s price, re-drawn at once among the others after a miss', async () => {
  const t = await openTestChain({ users: 5 });
  const mk = new MarketDriver(t);
  const [requester, a, b, c] = t.users as [AccountKey, AccountKey, AccountKey, AccountKey];
  const m = (x: Record<string, unknown>) => x as unknown as AnyMsg;
  const ask = m({ type: 'market/ask', circuitId: PREIMAGE_ID, price: QRY, maxTurnaround: 3n, capacity: 2n });
  try {
    for (const [p, bond] of [[a, 10n], [b, 20n], [c, 30n]] as const) await mk.ok(p, [m({ type: 'market/bond', amount: bond * QRY }), ask]);
    const id = await mk.request(requester, requestMsg(501n, { mode: 'stake', minPrice: 2n * QRY, maxPrice: 3n * QRY, collateral: QRY, lockBlocks: 3n, deadlineBlocks: 40n }));
    const listed = await getRequest(t.chain.latestState, id);
    assert.equal(listed.status, 'open', 'not assigned in the block that included it');
    assert.equal(listed.drawAt, t.chain.head.height + 1n);
    assert.equal((await mk.run(a, [m({ type: 'market/lock', requestId: id })])).code, 'E_INVALID_MSG', 'nobody locks a stake-mode request');
    const drawn = await getRequest(t.chain.latestState, id);
    assert.equal(drawn.status, 'locked');
    // the draw is the pure function of that block's mix and the request id, over the eligible asks
    const mix = await getBeaconMix(t.chain.latestState);
    const expected = drawAsk(await askCandidates(t.chain.latestState, PREIMAGE_ID), taggedHash('quarry/market/draw', mix, id));
    assert.equal(toHex(drawn.lock!.prover), toHex(expected!.prover));
    assert.equal(drawn.lock!.price, 3n * QRY, 'paid the requester\'s price, not the ask');
    const first = drawn.lock!.prover;
    while ((await getRequest(t.chain.latestState, id)).status === 'locked' && equalBytes((await getRequest(t.chain.latestState, id)).lock!.prover, first)) await t.produce();
    const redrawn = await getRequest(t.chain.latestState, id);
    assert.equal(redrawn.status, 'locked', 're-drawn in the block the lock was slashed');
    assert.ok(!equalBytes(redrawn.lock!.prover, first), 'never the prover that missed');
    assert.equal((await getProver(t.chain.latestState, first)).slashed, 1n);
    const holder = t.users.find((u) => equalBytes(decodeAddress(u.address), redrawn.lock!.prover))!;
    await mk.ok(holder, [m({ type: 'market/fulfill', requestId: id, ...(await preimageFill(501n)) })]);
    assert.equal((await getRequest(t.chain.latestState, id)).status, 'fulfilled');
    assert.equal((await mk.run(requester, [requestMsg(502n, { mode: 'stake', reservation: new Uint8Array(32) })])).code, 'E_INVALID_MSG', 'a reservation cannot be drawn');
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('the miners\' policy never tries to lock a stake-mode request (it would only be refused)', async () => {
  const { planMarket } = await import('../../miner/market-policy.ts');
  const circuitId = toHex(PREIMAGE_ID);
  const open = (id: string, mode: 'book' | 'stake') => ({ id, circuitId, inputs: [], status: 'open' as const, currentPrice: String(5n * QRY), maxPrice: String(5n * QRY), collateral: '0', deadline: '100', fillerReward: '0', lock: null, mode });
  const memory = { askPrice: new Map([[circuitId, QRY]]), done: new Set<string>(), checked: new Set<string>(), unprovable: new Set<string>(), committed: new Map(), proofSeconds: () => 1, miningRate: 0 };
  assert.deepEqual(planMarket({ height: 10n, locked: [], openFill: [], open: [open('s', 'stake')] }, memory), []);
  assert.deepEqual(planMarket({ height: 10n, locked: [], openFill: [], open: [open('s', 'stake'), open('b', 'book')] }, memory).map((a) => a.do === 'lock' && a.request.id), ['b']);
});
