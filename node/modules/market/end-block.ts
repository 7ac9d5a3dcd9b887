/**
 * The market at the end of every block (docs/market.md §lifecycle): slash locks that timed out
 * and rotate them to the next ask, relist expired requests nobody locked at a higher price (until
 * the escalation cap) or refund them, match waiting requests against new asks, release matured
 * bond withdrawals, and settle capacity offers and reservations that ended.
 */
import type { Overlay } from '../../state/view.ts';
import { NO_ID } from '../../state/record.ts';
import { toHex, u64be } from '../../encoding/bytes.ts';
import { transfer } from '../bank/account.ts';
import type { ChainEvent } from '../types.ts';
import { askCandidates, missLock, tryMatch } from './match.ts';
import type { AskCandidate } from './pricing.ts';
import { refundRequest, releaseCollateral } from './settle.ts';
import { expiring, getMarketParams, getProver, getRequest, MARKET_BONDS, MARKET_ESCROW, offers, openRequests, PPM, provers, putRequest, requests, reservations, unbondQueue, type MarketParams, type ProofRequest } from './state.ts';

export async function marketEndBlock(state: Overlay, height: bigint, events: ChainEvent[]): Promise<void> {
  const params = await getMarketParams(state);
  const emit = (e: ChainEvent) => events.push(e);
  const ids = (await openRequests.get(state, NO_ID))?.ids ?? [];
  await state.prefetch(ids.map((id) => requests.key(id))); // one store round trip, not one per request
  // each circuit's asks are read once; a match changes them, so the circuit is read again after one
  const book = new Map<string, AskCandidate[]>();
  for (const id of ids) {
    const r = await getRequest(state, id);
    const settles = (r.status === 'locked' && height > r.lock!.expiresAt) || (r.status !== 'locked' && height >= r.deadline);
    if (settles) book.clear(); // a slash or refund changes provers' free collateral and capacity
    if (r.status === 'locked' && height > r.lock!.expiresAt) await missLock(state, params, id, r, height, emit, 'timeout');
    else if (r.status === 'open-fill' && height >= r.deadline) await refundRequest(state, id, r, 'expired', emit);
    else if (r.status === 'open' && height >= r.deadline) await relistOrExpire(state, params, id, r, height, emit);
    else if (r.status === 'open') {
      const circuit = toHex(r.circuitId);
      const candidates = book.get(circuit) ?? (await askCandidates(state, r.circuitId));
      book.set(circuit, candidates);
      if ((await tryMatch(state, params, id, r, height, emit, candidates)).status !== 'open') book.delete(circuit);
    }
  }
  await releaseUnbonds(state, height);
  await settleExpiring(state, height);
}

async function relistOrExpire(state: Overlay, params: MarketParams, id: Uint8Array, r: ProofRequest, height: bigint, emit: (e: ChainEvent) => void): Promise<void> {
  if (r.maxPrice >= r.escalationCap) return refundRequest(state, id, r, 'expired', emit);
  const raised = (r.maxPrice * params.escalationStepPpm) / PPM;
  const maxPrice = raised > r.escalationCap ? r.escalationCap : raised > r.maxPrice ? raised : r.maxPrice + 1n;
  const next = { ...r, minPrice: r.maxPrice, maxPrice, listedAt: height, deadline: height + (r.deadline - r.listedAt), relists: r.relists + 1n };
  putRequest(state, id, next);
  emit({ type: 'market-relist', request: toHex(id), maxPrice: maxPrice.toString(), deadline: next.deadline.toString() });
}

async function releaseUnbonds(state: Overlay, height: bigint): Promise<void> {
  const queue = await unbondQueue.get(state, u64be(height));
  if (!queue) return;
  for (const e of queue.entries) {
    await transfer(state, MARKET_BONDS, e.prover, e.amount);
    const p = await getProver(state, e.prover);
    provers.put(state, e.prover, { ...p, unbonding: p.unbonding.filter((u) => u.releaseAt !== height) });
  }
  unbondQueue.remove(state, u64be(height));
}

async function settleExpiring(state: Overlay, height: bigint): Promise<void> {
  const due = await expiring.get(state, u64be(height));
  if (!due) return;
  for (const id of due.offers) {
    const o = (await offers.get(state, id))!;
    if (o.remaining > 0n) await releaseCollateral(state, o.prover, o.remaining * o.collateralPerProof);
    offers.remove(state, id);
  }
  for (const id of due.reservations) {
    const res = (await reservations.get(state, id))!;
    if (res.remaining > 0n) {
      await transfer(state, MARKET_ESCROW, res.buyer, res.remaining * res.price);
      await releaseCollateral(state, res.prover, res.remaining * res.collateralPerProof);
    }
    reservations.remove(state, id);
  }
  expiring.remove(state, u64be(height));
}
