/** Market arithmetic (docs/market.md §prices): the Dutch-auction price and the choice of an ask. Pure. */
import { compareBytes, equalBytes } from '../../../protocol/encoding/bytes.ts';
import type { Ask, MarketParams, Prover, ProofRequest } from './state.ts';
import { reputationPpm } from './state.ts';
import { lockCollateral } from './economics.ts';

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
 * The best eligible ask for a request: price within the request's limit, turnaround within its
 * deadline, free capacity, the protocol's minimum bond and the lock's collateral free, enough
 * reputation; then cheapest, most reputable, oldest, lowest address.
 */
export function bestAsk(r: ProofRequest, height: bigint, candidates: AskCandidate[], params: MarketParams): AskCandidate | null {
  const left = r.deadline > height ? r.deadline - height : 0n;
  const eligible = candidates.filter(
    (c) =>
      c.ask.price <= r.maxPrice &&
      c.ask.maxTurnaround <= left &&
      c.ask.active < c.ask.capacity &&
      c.state.bond >= params.minProverBond &&
      c.state.bond - c.state.locked >= lockCollateral(params, r.collateral, c.ask.price) &&
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
