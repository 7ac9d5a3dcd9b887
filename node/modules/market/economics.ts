/**
 * The market's pure money rules (docs/market.md §invariants): the fee, the collateral a lock must
 * post, how slashed collateral is shared, and the price a request keeps after a missed lock. Every
 * message and the end-of-block work take their amounts from here, so the property tests of "delay
 * never pays" and conservation check the same arithmetic the chain runs. Integer math only.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { PPM, type MarketParams } from './state.ts';

const ceilPpm = (x: bigint, ppm: bigint) => (x * ppm + PPM - 1n) / PPM;

/**
 * Burned from every payment, rounded up: washing a uqry of fills always burns at least
 * `marketFeePpm` of it, so reputation (weighted by price) has a price too.
 */
export function marketFee(p: MarketParams, price: bigint): bigint {
  return ceilPpm(price, p.marketFeePpm);
}

/** What the filler keeps of a price: nondecreasing in the price (the fee grows by at most 1 per uqry). */
export function netOfFee(p: MarketParams, price: bigint): bigint {
  return price - marketFee(p, price);
}

/**
 * The collateral a lock at `price` posts: the requester's choice, but never below the protocol's
 * fraction of the price nor its floor, so stalling costs in proportion to the bid and a free
 * request still costs its staller something.
 */
export function lockCollateral(p: Pick<MarketParams, 'minCollateralPpm' | 'minLockCollateral'>, requested: bigint, price: bigint): bigint {
  const byPrice = ceilPpm(price, p.minCollateralPpm);
  const floor = byPrice > p.minLockCollateral ? byPrice : p.minLockCollateral;
  return requested > floor ? requested : floor;
}

export interface SlashShares {
  toRequester: bigint;
  toFiller: bigint;
  burned: bigint;
}

/** A slashed collateral's split; `burned` ≥ 1 for any collateral ≥ 1 (the shares sum below 100 %). */
export function slashShares(p: MarketParams, collateral: bigint): SlashShares {
  const toRequester = (collateral * p.slashToRequesterPpm) / PPM;
  const toFiller = (collateral * p.slashToFillerPpm) / PPM;
  return { toRequester, toFiller, burned: collateral - toRequester - toFiller };
}

/**
 * After a missed lock the request's price is at most the missed lock's price plus the requester's
 * share of the slash: the requester still never pays more than the on-time price net (price − its
 * share ≤ lock price), and the next prover may be pricier than the one that missed, so rotation
 * has someone to rotate to. The late prover under another address still loses: the rise is the
 * requester's share, less than what it lost beyond the filler's share (the burn is ≥ 1).
 */
export function priceAfterMiss(maxPrice: bigint, lockPrice: bigint, toRequester: bigint): bigint {
  const cap = lockPrice + toRequester;
  return cap < maxPrice ? cap : maxPrice;
}

/**
 * What a request holds in escrow: its price cap, the slashed shares waiting for a filler, and what
 * the filler's pay owes the delegators of provers that missed it (docs/market.md §delegation).
 */
export interface Held {
  maxPrice: bigint;
  escrow: bigint;
  fillerReward: bigint;
  owed: bigint;
}

/** What a fill at `price` pays its prover (before its own delegators' part): net of the fee and of what is owed. */
export function fillPay(p: MarketParams, owed: bigint, price: bigint): bigint {
  return price - marketFee(p, price) - owed;
}

export interface Miss extends SlashShares {
  /** The request's price from now on, and what the escrow held above it (back to the requester now). */
  price: bigint;
  refund: bigint;
  /** Owed to delegators from the next fill's pay, this miss's share included. */
  owed: bigint;
}

/** A missed lock: its price and collateral, the part of it taken from the prover's own bond, and its delegators' share of the pay it forfeited. */
export interface MissedLock {
  price: bigint;
  collateral: bigint;
  fromBond: bigint;
  owedShare: bigint;
}

/**
 * Where a slashed collateral comes from: the prover's bond and its delegators' stake in proportion
 * to what each has at stake now, the rounding against the prover (docs/market.md §delegation).
 */
export function stakeSlash(stake: { bond: bigint; delegated: bigint }, collateral: bigint): { fromBond: bigint; fromDelegated: bigint } {
  const total = stake.bond + stake.delegated;
  const fromBond = total === 0n ? collateral : (collateral * stake.bond + total - 1n) / total;
  return { fromBond, fromDelegated: collateral - fromBond };
}

/**
 * The money of a missed lock (settle.ts slashLock moves it). Only the part taken from the
 * prover's bond is shared with the requester and the next filler; the delegators' part is burned
 * whole, and what the delegators would have earned on time stays owed from the next fill's pay: a
 * prover cannot turn its delegators' stake or earnings into its own money by missing a lock that
 * its other addresses requested or fill late (docs/market.md §delegation).
 */
export function missOutcome(p: MarketParams, r: Held, lock: MissedLock): Miss {
  const shares = slashShares(p, lock.fromBond);
  const price = priceAfterMiss(r.maxPrice, lock.price, shares.toRequester);
  return { ...shares, burned: shares.burned + lock.collateral - lock.fromBond, price, refund: r.escrow - r.fillerReward - price, owed: r.owed + lock.owedShare };
}

export interface Decline {
  /** Burned from the escrow: what an unprovable request costs its requester per decline. */
  fee: bigint;
  /** The request's price from now on: never above the declined lock's (declining never raises it). */
  price: bigint;
  refund: bigint;
}

/** The money of a lock declined at `lockPrice` within its accept window (settle.ts declineLock). */
export function declineOutcome(p: MarketParams, r: Held, lockPrice: bigint): Decline {
  const budget = r.escrow - r.fillerReward;
  const wanted = (lockPrice * p.declineFeePpm) / PPM;
  const fee = wanted < budget ? wanted : budget;
  const capped = lockPrice < r.maxPrice ? lockPrice : r.maxPrice;
  const price = capped < budget - fee ? capped : budget - fee;
  return { fee, price, refund: budget - fee - price };
}

export interface Fill {
  /** The fill's pay (shared with the filler's delegators) and, beside it, the waiting filler share (not shared). */
  pay: bigint;
  toFiller: bigint;
  /** To the delegators of provers that missed the request. */
  toOwed: bigint;
  fee: bigint;
  refund: bigint;
}

/** The money of a fill at `price`: the filler's pay and the waiting filler share, what is owed, the fee, the rest back (settle.ts payFill). */
export function fillOutcome(p: MarketParams, r: Held, price: bigint): Fill {
  const fee = marketFee(p, price);
  const pay = price - fee - r.owed;
  return { pay, toFiller: pay + r.fillerReward, toOwed: r.owed, fee, refund: r.escrow - price - r.fillerReward };
}

/** Rules a genesis must satisfy for the invariants to hold (checked when genesis is parsed). */
export function checkMarketParams(p: MarketParams): void {
  const bad = (why: string) => {
    throw new QuarryError('E_CONFIG', `genesis: market params: ${why}`);
  };
  if (p.marketFeePpm > PPM) bad('marketFeePpm is at most 1,000,000');
  if (p.slashToFillerPpm + p.slashToRequesterPpm >= PPM) bad('slash shares must leave a burned remainder (sum < 1,000,000)');
  if (p.minLockCollateral === 0n) bad('minLockCollateral must be positive');
  if (p.minProverBond === 0n) bad('minProverBond must be positive');
  if (p.escalationStepPpm < PPM) bad('escalationStepPpm is at least 1,000,000');
  if (p.declineFeePpm > PPM) bad('declineFeePpm is at most 1,000,000');
  if (p.maxDeclines === 0n || p.maxDeclines > 16n) bad('maxDeclines is from 1 to 16');
}
