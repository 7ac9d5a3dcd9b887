/**
 * The market's economic invariants (docs/market.md §invariants) as properties of the pure money
 * rules the chain settles with (node/modules/market/economics.ts), over a few hundred random
 * markets from a fixed seed: delay never pays, the requester never pays more for a late proof,
 * money is conserved. Also the matching order (pricing.ts bestAsk) and the genesis checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../helpers/rng.ts';
import { checkMarketParams, declineOutcome, fillOutcome, fillPay, lockCollateral, marketFee, missOutcome, netOfFee, stakeSlash, type Held } from '../../node/modules/market/economics.ts';
import { delegatorsPart } from '../../node/modules/market/delegation.ts';
import { bestAsk, type AskCandidate } from '../../node/modules/market/pricing.ts';
import { DEFAULT_MARKET_PARAMS, EMPTY_PROVER, PPM, type MarketParams, type ProofRequest } from '../../node/modules/market/state.ts';
import { QuarryError } from '../../protocol/errors.ts';

const big = (rng: Rng, max: bigint) => (BigInt(rng.int(1 << 30)) * max) / BigInt(1 << 30);

function randomParams(rng: Rng): MarketParams {
  const toRequester = big(rng, PPM - 1n);
  return {
    ...DEFAULT_MARKET_PARAMS,
    marketFeePpm: rng.pick([0n, 1n, 10_000n, big(rng, PPM)]),
    slashToRequesterPpm: toRequester,
    slashToFillerPpm: big(rng, PPM - 1n - toRequester),
    minCollateralPpm: rng.pick([0n, 500_000n, big(rng, 2n * PPM)]),
    minLockCollateral: 1n + big(rng, 100_000n),
  };
}

/** A price: tiny, round or anywhere up to 10^12 uqry. */
const randomPrice = (rng: Rng) => rng.pick([0n, 1n, 50n, 99n, 100n, big(rng, 1_000n), big(rng, 10n ** 12n)]);

interface Run {
  /** What the first locker and all its addresses gain, what their delegators gain, what the requester pays, what is burned. */
  lockerGain: bigint;
  delegatorsGain: bigint;
  requesterPaid: bigint;
  burned: bigint;
  escrowLeft: bigint;
}

/** A prover's stake: its bond (≥ 1: it keeps the minimum while it holds locks), often delegations, and a commission. */
function randomStake(rng: Rng): { bond: bigint; delegated: bigint; commissionPpm: bigint } {
  return { bond: 1n + big(rng, 10n ** 10n), delegated: rng.chance(0.3) ? 0n : big(rng, 10n ** 12n), commissionPpm: rng.pick([0n, 100_000n, big(rng, PPM)]) };
}

/** The delegators' part of a lock's pay, as settle.ts computes it for a missed lock or an on-time fill. */
const delegatorsShare = (s: ReturnType<typeof randomStake>, pay: bigint) => (pay > 0n ? delegatorsPart(s, { shares: s.delegated }, s.commissionPpm, pay) : 0n);

/**
 * The first lock at `p1` (by a prover with stake `first`) is missed; then `misses` more locks
 * (sybils of the first locker, each with its own delegators, rotated in at an ask within the
 * request's current price and covering what is owed) are missed; then a sybil without delegators
 * fills or nobody does. Every amount comes from the functions settle.ts uses.
 */
function lateRun(rng: Rng, params: MarketParams, maxPrice: bigint, requested: bigint, p1: bigint, first: ReturnType<typeof randomStake>, misses: number, filled: boolean): Run {
  let r: Held = { maxPrice, escrow: maxPrice, fillerReward: 0n, owed: 0n };
  let requesterPaid = maxPrice;
  let lockerGain = 0n;
  let delegatorsGain = 0n;
  let burned = 0n;
  let price = p1;
  let stake = first;
  for (let i = 0; i <= misses; i++) {
    const c = lockCollateral(params, requested, price);
    const { fromBond, fromDelegated } = stakeSlash(stake, c);
    const miss = missOutcome(params, r, { price, collateral: c, fromBond, owedShare: delegatorsShare(stake, fillPay(params, r.owed, price)) });
    lockerGain -= fromBond;
    delegatorsGain -= fromDelegated;
    burned += miss.burned;
    requesterPaid -= miss.toRequester + miss.refund;
    r = { maxPrice: miss.price, escrow: r.escrow - miss.refund + miss.toFiller, fillerReward: r.fillerReward + miss.toFiller, owed: miss.owed };
    assert.ok(fillPay(params, r.owed, r.maxPrice) >= 0n, 'the capped price always covers what is owed');
    price = r.owed + big(rng, miss.price - r.owed); // the next rotated lock: an ask plus what is owed, within the new cap
    if (fillPay(params, r.owed, price) < 0n) price = r.maxPrice;
    stake = randomStake(rng);
  }
  if (filled) {
    const fillPrice = rng.chance(0.5) ? r.maxPrice : price; // an open fill at the cap, or a rotated lock on time
    const fill = fillOutcome(params, r, fillPrice);
    lockerGain += fill.toFiller;
    delegatorsGain += fill.toOwed;
    burned += fill.fee;
    requesterPaid -= fill.refund;
    r = { ...r, escrow: r.escrow - fill.toFiller - fill.toOwed - fill.fee - fill.refund };
  } else {
    requesterPaid -= r.escrow; // expired: everything held goes back
    r = { ...r, escrow: 0n };
  }
  return { lockerGain, delegatorsGain, requesterPaid, burned, escrowLeft: r.escrow };
}

test('delay never pays, delegators are not skimmed, and money is conserved, over 1,000 random markets', () => {
  const rng = new Rng(11);
  for (let i = 0; i < 1_000; i++) {
    const params = randomParams(rng);
    checkMarketParams(params);
    const maxPrice = randomPrice(rng);
    const p1 = big(rng, maxPrice);
    const requested = rng.pick([0n, big(rng, 2n * maxPrice + 1n)]);
    const first = randomStake(rng);
    const misses = rng.int(3);
    const filled = rng.chance(0.7);
    const late = lateRun(rng, params, maxPrice, requested, p1, first, misses, filled);
    const onTime = fillOutcome(params, { maxPrice, escrow: maxPrice, fillerReward: 0n, owed: 0n }, p1);
    const onTimeKept = onTime.pay - delegatorsShare(first, onTime.pay);
    const ctx = `case ${i}: params ${JSON.stringify({ ...params, ...first }, (_, v) => (typeof v === 'bigint' ? v.toString() : v))} maxPrice ${maxPrice} p1 ${p1} collateral ${requested} misses ${misses} filled ${filled}`;
    assert.equal(onTime.toFiller, netOfFee(params, p1), ctx);
    assert.ok(late.lockerGain < onTimeKept, `${ctx}: late ${late.lockerGain} ≥ on time ${onTimeKept}`);
    assert.ok(late.requesterPaid <= p1, `${ctx}: the requester paid ${late.requesterPaid} late, ${p1} on time`);
    assert.equal(late.escrowLeft, 0n, `${ctx}: escrow left behind`);
    assert.equal(late.lockerGain + late.delegatorsGain - late.requesterPaid + late.burned, 0n, `${ctx}: conservation`);
    assert.equal(p1 - onTime.toFiller - onTime.fee, 0n, `${ctx}: on-time conservation`);
    assert.equal(onTime.refund, maxPrice - p1, ctx);
  }
});

test('the fee rounds up and the lock collateral respects the protocol share and floor', () => {
  const rng = new Rng(12);
  for (let i = 0; i < 300; i++) {
    const params = randomParams(rng);
    const price = randomPrice(rng);
    const requested = big(rng, 10n ** 12n);
    const fee = marketFee(params, price);
    assert.ok(fee * PPM >= price * params.marketFeePpm && (fee - 1n) * PPM < price * params.marketFeePpm || fee === 0n, `fee ${fee} of ${price}`);
    assert.ok(netOfFee(params, price + 1n) >= netOfFee(params, price), 'pay never falls as the price rises');
    const c = lockCollateral(params, requested, price);
    assert.ok(c >= requested && c >= params.minLockCollateral && c * PPM >= price * params.minCollateralPpm, `collateral ${c} at ${price}`);
  }
  assert.equal(marketFee(DEFAULT_MARKET_PARAMS, 50n), 1n, 'the 1 % fee of 50 uqry is 1, not 0');
});

test('genesis refuses market params that would break the invariants', () => {
  const refuse = (o: Partial<MarketParams>, why: RegExp) => assert.throws(() => checkMarketParams({ ...DEFAULT_MARKET_PARAMS, ...o }), (e: unknown) => e instanceof QuarryError && e.code === 'E_CONFIG' && why.test(e.message));
  refuse({ slashToFillerPpm: 600_000n }, /burned remainder/);
  refuse({ marketFeePpm: PPM + 1n }, /marketFeePpm/);
  refuse({ minLockCollateral: 0n }, /minLockCollateral/);
  refuse({ minProverBond: 0n }, /minProverBond/);
  refuse({ escalationStepPpm: 999_999n }, /escalationStepPpm/);
  refuse({ declineFeePpm: PPM + 1n }, /declineFeePpm/);
  refuse({ maxDeclines: 0n }, /maxDeclines/);
  checkMarketParams(DEFAULT_MARKET_PARAMS);
});

test('matching order: cheapest, then most reputable, then oldest ask, then lowest address; ineligible asks never win', () => {
  const request = { maxPrice: 1_000n, deadline: 100n, collateral: 0n, minReputationPpm: 0n, declinedBy: [] as Uint8Array[], owedTo: [] as ProofRequest['owedTo'] } as ProofRequest;
  const prover = (n: number) => new Uint8Array(20).fill(n);
  const cand = (n: number, price: bigint, createdAt: bigint, onTimeValue = 0n, more: Partial<AskCandidate['ask']> = {}): AskCandidate => ({
    prover: prover(n),
    ask: { price, maxTurnaround: 5n, capacity: 1n, active: 0n, createdAt, ...more },
    state: { ...EMPTY_PROVER, bond: 10_000_000n, lockedValue: onTimeValue, onTimeValue },
  });
  const winner = (cs: AskCandidate[], r: ProofRequest = request) => bestAsk(r, 10n, cs, DEFAULT_MARKET_PARAMS)?.prover[0];
  assert.equal(winner([cand(1, 500n, 1n), cand(2, 400n, 9n)]), 2, 'cheaper');
  assert.equal(winner([cand(1, 500n, 1n, 1_000_000n), cand(2, 500n, 1n, 5_000_000n)]), 2, 'same price: more reputable');
  assert.equal(winner([cand(3, 500n, 5n), cand(2, 500n, 4n)]), 2, 'same price and reputation: older');
  assert.equal(winner([cand(3, 500n, 4n), cand(2, 500n, 4n)]), 2, 'all equal: lower address');
  const ineligible = [
    cand(1, 1_001n, 1n),
    cand(2, 1n, 1n, 0n, { maxTurnaround: 91n }),
    cand(3, 1n, 1n, 0n, { active: 1n }),
    { ...cand(4, 1n, 1n), state: { ...EMPTY_PROVER, bond: 999_999n } },
  ];
  assert.equal(winner([...ineligible, cand(9, 1_000n, 50n)]), 9, 'over price, too slow, full, under the minimum bond');
  assert.equal(winner([{ ...cand(5, 1n, 1n), state: { ...EMPTY_PROVER, bond: 1_000_000n, locked: 500_001n } }], { ...request, collateral: 0n, maxPrice: 1n }), 5, 'the floor collateral is free');
  assert.equal(winner([{ ...cand(5, 1_000n, 1n), state: { ...EMPTY_PROVER, bond: 1_000_000n, locked: 999_999n } }]), undefined, 'the lock\'s collateral (here the floor) must be free');
  assert.equal(winner([cand(1, 1n, 1n), cand(2, 2n, 1n, 2_000_000n)], { ...request, minReputationPpm: 100_000n }), 2, 'the reputation gate passes over the cheaper, unproven prover');
  const decliner = cand(1, 1n, 1n);
  assert.equal(winner([decliner, cand(2, 2n, 1n)], { ...request, declinedBy: [decliner.prover] }), 2, 'a prover that declined the request is never matched to it again');
});

test('a decline never raises the price, burns at most the fee share, and moves every uqry of the escrow (500 random markets)', () => {
  const rng = new Rng(53);
  for (let i = 0; i < 500; i++) {
    const params = { ...randomParams(rng), declineFeePpm: rng.pick([0n, 100_000n, big(rng, PPM)]) };
    const maxPrice = randomPrice(rng);
    const fillerReward = rng.chance(0.3) ? big(rng, 10n ** 9n) : 0n;
    const r: Held = { maxPrice, escrow: maxPrice + big(rng, maxPrice + 1n) + fillerReward, fillerReward, owed: 0n };
    const lockPrice = big(rng, maxPrice + 1n);
    const d = declineOutcome(params, r, lockPrice);
    const ctx = JSON.stringify({ maxPrice, lockPrice, escrow: r.escrow, fillerReward, ppm: params.declineFeePpm }, (_, v) => (typeof v === 'bigint' ? String(v) : v));
    assert.ok(d.price <= lockPrice && d.price <= maxPrice, `no rise ${ctx}`);
    assert.ok(d.fee <= (lockPrice * params.declineFeePpm) / PPM && d.fee >= 0n, `fee ${ctx}`);
    assert.equal(d.fee + d.price + d.refund + fillerReward, r.escrow, `conservation ${ctx}`);
    assert.ok(d.refund >= 0n, `refund ${ctx}`);
  }
});
