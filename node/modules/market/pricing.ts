/** Market arithmetic (docs/market.md §prices): the Dutch-auction price and the choice of an ask. Pure. */
import { compareBytes, equalBytes, toHex } from '../../../protocol/encoding/bytes.ts';
import type { Ask, MarketParams, Prover, ProofRequest } from './state.ts';
import { freeCollateral, owedTotal, reputationPpm, stakeOf } from './state.ts';
import { fillPay, lockCollateral } from './economics.ts';

/** Rises linearly from minPrice to maxPrice over rampBlocks from the (re)listing, then holds. */
export function auctionPrice(r: ProofRequest, height: bigint): bigint {
  const elapsed = height > r.listedAt ? height - r.listedAt : 0n;
  if (r.rampBlocks === 0n || elapsed >= r.rampBlocks) return r.maxPrice;
  return r.minPrice + ((r.maxPrice - r.minPrice) * elapsed) / r.rampBlocks;
}

export interface AskCandidate {
  prover: Uint8Array;
  ask: Ask;
  state: Prover;
  /** It has published a key sealed inputs can be encrypted to (docs/market.md §sealed). */
  sealable?: boolean;
}

/**
 * The price a lock through `ask` charges the requester: the ask plus what the fill's pay owes
 * earlier provers' delegators (docs/market.md §delegation), so the prover still earns its ask.
 */
export const lockPrice = (ask: Pick<Ask, 'price'>, owed: bigint): bigint => ask.price + owed;

/**
 * The asks eligible for a request: price (plus what is owed) within the request's limit and its
 * pay covering what is owed, turnaround within its deadline, free capacity, the protocol's minimum
 * bond and the lock's collateral free, enough reputation, not a decliner.
 */
export function eligibleAsks(r: ProofRequest, height: bigint, candidates: AskCandidate[], params: MarketParams): AskCandidate[] {
  const left = r.deadline > height ? r.deadline - height : 0n;
  const owed = owedTotal(r);
  return candidates.filter(
    (c) =>
      lockPrice(c.ask, owed) <= r.maxPrice &&
      fillPay(params, owed, lockPrice(c.ask, owed)) >= 0n &&
      c.ask.maxTurnaround <= left &&
      c.ask.active < c.ask.capacity &&
      c.state.bond >= params.minProverBond &&
      freeCollateral(c.state) >= lockCollateral(params, r.collateral, lockPrice(c.ask, owed)) &&
      reputationPpm(c.state) >= r.minReputationPpm &&
      !r.declinedBy.some((d) => equalBytes(d, c.prover)) &&
      (!r.sealed || c.sealable === true),
  );
}

/** The order book's choice among the eligible asks: cheapest, most reputable, oldest, lowest address. */
export function bestAsk(r: ProofRequest, height: bigint, candidates: AskCandidate[], params: MarketParams): AskCandidate | null {
  const eligible = eligibleAsks(r, height, candidates, params);
  eligible.sort(
    (a, b) =>
      (a.ask.price === b.ask.price ? 0 : a.ask.price < b.ask.price ? -1 : 1) ||
      (reputationPpm(b.state) === reputationPpm(a.state) ? 0 : reputationPpm(b.state) > reputationPpm(a.state) ? 1 : -1) ||
      (a.ask.createdAt === b.ask.createdAt ? 0 : a.ask.createdAt < b.ask.createdAt ? -1 : 1) ||
      compareBytes(a.prover, b.prover),
  );
  return eligible[0] ?? null;
}

/**
 * Stake mode's choice (docs/market.md §selection): one eligible ask drawn with probability
 * proportional to its prover's stake, from a 256-bit `seed` (the beacon mix and the request id).
 * Candidates are taken in address order, so every node walks the same line; splitting a stake
 * over several addresses leaves its total weight, and so its chance, unchanged.
 */
export function drawAsk(eligible: AskCandidate[], seed: Uint8Array): AskCandidate | null {
  const line = [...eligible].sort((a, b) => compareBytes(a.prover, b.prover));
  const total = line.reduce((sum, c) => sum + stakeOf(c.state), 0n);
  if (total === 0n) return null;
  let x = BigInt(`0x${toHex(seed)}`) % total;
  for (const c of line) {
    if (x < stakeOf(c.state)) return c;
    x -= stakeOf(c.state);
  }
  return null;
}
