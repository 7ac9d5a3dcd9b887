/**
 * The market at the end of every block (docs/market.md §lifecycle, §due-index): settle the
 * requests due at this height (slash locks that timed out and rotate them to the next ask, relist
 * expired requests nobody locked at a higher price until the escalation cap, or refund them), let
 * the asks of circuits marked this block take waiting requests, release matured bond withdrawals,
 * and settle capacity offers and reservations that ended. Nothing here walks all open requests.
 */
import type { Overlay } from '../../state/view.ts';
import { u64be, toHex } from '../../../protocol/encoding/bytes.ts';
import { transfer } from '../bank/account.ts';
import type { ChainEvent } from '../types.ts';
import { askCandidates, missLock, tryMatch } from './match.ts';
import type { AskCandidate } from './pricing.ts';
import { refundRequest, releaseCollateral, unsealedLock, type Emit } from './settle.ts';
import { expiring, getMarketParams, getProver, getRequest, MARKET_BONDS, MARKET_ESCROW, offers, PPM, provers, reservations, unbondQueue, type MarketParams, type ProofRequest } from './state.ts';
import { releaseUndelegations, undelegationQueue } from './delegation.ts';
import { settleRace } from './race.ts';
import { carryMatching, dueAt, matchDue, putRequest, waiting } from './request-index.ts';

/** Waiting requests one circuit's asks try per block; the rest are tried in the blocks after (docs/market.md §due-index). */
export const MATCH_SCAN_LIMIT = 64;

/**
 * The records `marketEndBlock` reads at `height` in every block, most of them absent: execution
 * loads them in one storage round trip (node/exec/execute.ts) instead of one each.
 */
export function marketDueKeys(height: bigint): Uint8Array[] {
  const at = u64be(height);
  return [dueAt.endsKey(at), matchDue.key(at), unbondQueue.key(at), undelegationQueue.key(at), expiring.key(at)];
}

export async function marketEndBlock(state: Overlay, height: bigint, events: ChainEvent[]): Promise<void> {
  const params = await getMarketParams(state);
  const emit = (e: ChainEvent) => events.push(e);
  // every request in the bucket leaves it when settled (its due height moves on, or it is final)
  for (const id of await dueAt.walk(state, u64be(height), Number.MAX_SAFE_INTEGER)) await settleDue(state, params, id, height, emit);
  const marks = await matchDue.get(state, u64be(height));
  matchDue.remove(state, u64be(height));
  for (const m of marks?.circuits ?? []) await carryMatching(state, height + 1n, m.circuit, await matchWaiting(state, params, m.circuit, m.left, height, emit));
  await releaseUnbonds(state, height);
  await releaseUndelegations(state, height);
  await settleExpiring(state, height);
}

async function settleDue(state: Overlay, params: MarketParams, id: Uint8Array, height: bigint, emit: Emit): Promise<void> {
  let r = await getRequest(state, id);
  if (r.status === 'locked' && r.lock!.awaitingSeal > 0n) return unsealedLock(state, params, id, r, emit, height);
  if (r.status === 'locked') r = await missLock(state, params, id, r, height, emit, 'timeout');
  // a lock that ran to the deadline leaves nothing fillable: refund now rather than a block later
  if (r.status === 'open-fill' && height >= r.deadline) await refundRequest(state, id, r, 'expired', emit);
  else if (r.status === 'open' && height >= r.deadline) await relistOrExpire(state, params, id, r, height, emit);
  else if (r.status === 'open' && r.drawAt === height) await tryMatch(state, params, id, r, height, emit, undefined, true);
  else if (r.status === 'race' && height >= r.deadline) await settleRace(state, params, id, r, height, emit);
}

/**
 * The circuit's asks take waiting requests in waiting order, each tried at most once: `left` of
 * them, at most MATCH_SCAN_LIMIT this block, while some ask has a free slot. Those not taken go
 * to the back of the line (one rotation of the list). Returns how many are left to try next block.
 */
async function matchWaiting(state: Overlay, params: MarketParams, circuit: Uint8Array, left: bigint, height: bigint, emit: Emit): Promise<bigint> {
  let candidates: AskCandidate[] = await askCandidates(state, circuit);
  const hasSlot = () => candidates.some((c) => c.ask.active < c.ask.capacity);
  let id = await waiting.first(state, circuit);
  for (let tried = 0; id && left > 0n && tried < MATCH_SCAN_LIMIT && hasSlot(); tried++, left--) {
    const after = await waiting.next(state, circuit, id); // read first: a match takes `id` off the list
    const r = await tryMatch(state, params, id, await getRequest(state, id), height, emit, candidates);
    if (r.status !== 'open') candidates = await askCandidates(state, circuit);
    id = after;
  }
  if (id) await waiting.rotate(state, circuit, id);
  return hasSlot() ? left : 0n;
}

/** Relisted, the request is offered to the asks at once at its new price. */
async function relistOrExpire(state: Overlay, params: MarketParams, id: Uint8Array, r: ProofRequest, height: bigint, emit: Emit): Promise<void> {
  if (r.maxPrice >= r.escalationCap) return refundRequest(state, id, r, 'expired', emit);
  const raised = (r.maxPrice * params.escalationStepPpm) / PPM;
  const maxPrice = raised > r.escalationCap ? r.escalationCap : raised > r.maxPrice ? raised : r.maxPrice + 1n;
  const next = { ...r, minPrice: r.maxPrice, maxPrice, listedAt: height, deadline: height + (r.deadline - r.listedAt), relists: r.relists + 1n };
  await putRequest(state, id, next);
  emit({ type: 'market-relist', request: toHex(id), maxPrice: maxPrice.toString(), deadline: next.deadline.toString() });
  await tryMatch(state, params, id, next, height, emit);
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
