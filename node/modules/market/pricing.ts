/** Market arithmetic (docs/market.md §prices): the Dutch-auction price and the choice of an ask. Pure. */
import { compareBytes, equalBytes } from '../../../protocol/encoding/bytes.ts';
import type { Ask, MarketParams, Prover, ProofRequest } from './state.ts';
import { freeCollateral, owedTotal, reputationPpm } from './state.ts';
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
}

/**
 * The price a lock through `ask` charges the requester: the ask plus what the fill's pay owes
 * earlier provers' delegators (docs/market.md §delegation), so the prover still earns its ask.
 */
export const lockPrice = (ask: Pick<Ask, 'price'>, owed: bigint): bigint => ask.price + owed;

/**
 * The best eligible ask for a request: price (plus what is owed) within the request's limit and
 * its pay covering what is owed, turnaround within its
 * deadline, free capacity, the protocol's minimum bond and the lock's collateral free, enough
 * reputation; then cheapest, most reputable, oldest, lowest address.
 */
export function bestAsk(r: ProofRequest, height: bigint, candidates: AskCandidate[], params: MarketParams): AskCandidate | null {
  const left = r.deadline > height ? r.deadline - height : 0n;
  const owed = owedTotal(r);
  const eligible = candidates.filter(
    (c) =>
      lockPrice(c.ask, owed) <= r.maxPrice &&
      fillPay(params, owed, lockPrice(c.ask, owed)) >= 0n &&
      c.ask.maxTurnaround <= left &&
      c.ask.active < c.ask.capacity &&
      c.state.bond >= params.minProverBond &&
      freeCollateral(c.state) >= lockCollateral(params, r.collateral, lockPrice(c.ask, owed)) &&
      reputationPpm(c.state) >= r.minReputationPpm &&
      !r.declinedBy.some((d) => equalBytes(d, c.prover)),
  );
  eligible.sort(
    (a, b) =>
      (a.ask.price === b.ask.price ? 0 : a.ask.price < b.ask.price ? -1 : 1) ||
      (reputationPpm(b.state) === reputationPpm(a.state) ? 0 : reputationPpm(b.state) > reputationPpm(a.state) ? 1 : -1) ||
      (a.ask.createdAt === b.ask.createdAt ? 0 : a.ask.createdAt < b.ask.createdAt ? -1 : 1) ||
      compareBytes(a.prover, b.prover),
  );
  return eligible[0] ?? null;
}
