/**
 * The market's money movements, shared by its messages and its end-of-block work
 * (docs/market.md §settlement). Escrow and bonds live in module accounts; every function keeps
 * `request.escrow` equal to what MARKET_ESCROW holds for the request.
 */
import type { Overlay } from '../../state/view.ts';
import { equalBytes, toHex } from '../../../protocol/encoding/bytes.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { burn, transfer } from '../bank/account.ts';
import type { ChainEvent } from '../types.ts';

export type Emit = (e: ChainEvent) => void;
import { putRequest, scheduleMatching } from './request-index.ts';
import {
  asks,
  askId,
  getProver,
  MARKET_BONDS,
  MARKET_ESCROW,
  MAX_OWED,
  mergeAmount,
  owedTotal,
  PPM,
  proofCache,
  provers,
  requestProofs,
  getMarketParams,
  type Lock,
  type NewLock,
  type Prover,
  type MarketParams,
  type ProofRequest,
} from './state.ts';
import { cacheKey } from './inputs.ts';
import { declineOutcome, fillOutcome, fillPay, missOutcome, stakeSlash, type Held } from './economics.ts';
import { poolShare, payDelegators, payProver } from './delegation.ts';
import { countMarket } from './totals.ts';

export async function commitCollateral(state: Overlay, prover: Uint8Array, amount: bigint): Promise<void> {
  const p = await getProver(state, prover);
  provers.put(state, prover, { ...p, locked: p.locked + amount });
}

export async function releaseCollateral(state: Overlay, prover: Uint8Array, amount: bigint): Promise<void> {
  const p = await getProver(state, prover);
  provers.put(state, prover, { ...p, locked: p.locked - amount });
}

/**
 * Locks a request to a prover (collateral already checked free by the caller, or `precommitted`
 * when a capacity offer set it aside). A sealed request's turnaround waits for the requester's
 * seal, which must come within `acceptWindowBlocks` (docs/market.md §sealed).
 */
export async function lockRequest(state: Overlay, id: Uint8Array, r: ProofRequest, newLock: NewLock, emit: Emit, height: bigint, precommitted = false): Promise<ProofRequest> {
  const lock: Lock = r.sealed ? await awaitSeal(state, newLock, r.deadline) : { ...newLock, awaitingSeal: 0n, sealedAt: 0n };
  if (lock.collateral > 0n && !precommitted) await commitCollateral(state, lock.prover, lock.collateral);
  const p = await getProver(state, lock.prover);
  provers.put(state, lock.prover, { ...p, locks: p.locks + 1n, lockedValue: p.lockedValue + lock.price });
  if (lock.viaAsk) {
    const a = (await asks.get(state, askId(lock.prover, r.circuitId)))!;
    asks.put(state, askId(lock.prover, r.circuitId), { ...a, active: a.active + 1n });
  }
  const next: ProofRequest = { ...r, status: 'locked', lock };
  await putRequest(state, id, next);
  emit({ type: 'market-lock', request: toHex(id), prover: encodeAddress(lock.prover), price: lock.price.toString(), expiresAt: lock.expiresAt.toString(), height: height.toString() });
  return next;
}

/** A sealed request's lock: its turnaround is kept for the seal, and it lasts the seal window until then. */
async function awaitSeal(state: Overlay, newLock: NewLock, deadline: bigint): Promise<Lock> {
  const sealBy = newLock.lockedAt + (await getMarketParams(state)).acceptWindowBlocks;
  return { ...newLock, awaitingSeal: newLock.expiresAt - newLock.lockedAt, sealedAt: 0n, expiresAt: sealBy < deadline ? sealBy : deadline };
}

/**
 * A lock ended (filled or slashed): its ask slot and collateral are free again, so the circuit's
 * asks look for waiting requests at this end of block (docs/market.md §due-index).
 */
async function endLock(state: Overlay, lock: Lock, circuitId: Uint8Array, height: bigint): Promise<void> {
  await scheduleMatching(state, height, circuitId);
  if (!lock.viaAsk) return;
  const a = await asks.get(state, askId(lock.prover, circuitId));
  if (a && a.active > 0n) asks.put(state, askId(lock.prover, circuitId), { ...a, active: a.active - 1n });
}

/**
 * Pays a verified fill: `price` less the burned market fee and what is owed to missed provers'
 * delegators to `filler` (shared with its own delegators), any filler reward to `filler`, the owed
 * shares to those delegators, the rest of the escrow back to the requester; releases the lock's
 * collateral; records the proof.
 */
export async function payFill(
  state: Overlay,
  params: MarketParams,
  id: Uint8Array,
  r: ProofRequest,
  fill: { filler: Uint8Array; price: bigint; proof: Uint8Array; publicSignals: string[]; onTime: boolean },
  height: bigint,
  emit: Emit,
): Promise<void> {
  const { pay, fee, refund } = fillOutcome(params, held(r), fill.price);
  await burn(state, MARKET_ESCROW, fee);
  await payProver(state, MARKET_ESCROW, fill.filler, pay, height);
  if (r.fillerReward > 0n) await transfer(state, MARKET_ESCROW, fill.filler, r.fillerReward);
  for (const o of r.owedTo) await payDelegators(state, MARKET_ESCROW, o.prover, o.amount);
  if (refund > 0n) await transfer(state, MARKET_ESCROW, r.requester, refund);
  if (r.lock && r.status === 'locked') {
    await releaseCollateral(state, r.lock.prover, r.lock.collateral);
    await endLock(state, r.lock, r.circuitId, height);
  }
  if (fill.onTime) {
    const p = await getProver(state, fill.filler);
    provers.put(state, fill.filler, { ...p, onTime: p.onTime + 1n, onTimeValue: p.onTimeValue + fill.price });
  }
  await putRequest(state, id, { ...r, status: 'fulfilled', escrow: 0n, fillerReward: 0n, owedTo: [], filledBy: fill.filler, paid: fill.price });
  requestProofs.put(state, id, { proof: fill.proof, publicSignals: fill.publicSignals });
  proofCache.put(state, cacheKey(r.circuitId, r.inputs), { proof: fill.proof, publicSignals: fill.publicSignals, prover: fill.filler, height, price: fill.price });
  await countMarket(state, { fulfilled: 1n, onTime: fill.onTime ? 1n : 0n, paid: fill.price });
  emit({ type: 'market-fill', request: toHex(id), prover: encodeAddress(fill.filler), price: fill.price.toString(), onTime: fill.onTime, height: height.toString() });
}

/**
 * Takes `collateral` of a prover's stake for a miss, bond and delegations in proportion
 * (docs/market.md §delegation), and counts the slash (and a late delivery when `late`): a missed
 * lock and a race entry never revealed alike. Returns the record as it was and the two parts.
 */
export async function slashStake(state: Overlay, prover: Uint8Array, collateral: bigint, late: boolean): Promise<{ before: Prover; fromBond: bigint; fromDelegated: bigint }> {
  const p = await getProver(state, prover);
  const { fromBond, fromDelegated } = stakeSlash(p, collateral);
  provers.put(state, prover, { ...p, bond: p.bond - fromBond, delegated: p.delegated - fromDelegated, locked: p.locked - collateral, late: p.late + (late ? 1n : 0n), slashed: p.slashed + 1n });
  return { before: p, fromBond, fromDelegated };
}

/**
 * A missed lock (timed out, or a false proof from its holder): the whole collateral leaves the
 * stake, bond and delegations in proportion (shares of the bond's part to the requester and to
 * whoever fills next, the rest burned), the request's price
 * becomes at most the missed lock's price plus the requester's share (docs/market.md §invariants),
 * the escrow above it is refunded, and it opens to anyone (the caller may rotate it to the next
 * ask). Returns the request as it now stands.
 */
export async function slashLock(state: Overlay, params: MarketParams, id: Uint8Array, r: ProofRequest, emit: Emit, height: bigint, reason: 'timeout' | 'false-proof'): Promise<ProofRequest> {
  const lock = r.lock!;
  const c = lock.collateral;
  const { before, fromBond, fromDelegated } = await slashStake(state, lock.prover, c, true);
  const owedShare = await poolShare(state, lock.prover, before, fillPay(params, owedTotal(r), lock.price), height);
  await endLock(state, lock, r.circuitId, height);
  const { toRequester, toFiller, burned, price, refund } = missOutcome(params, held(r), { price: lock.price, collateral: c, fromBond, owedShare });
  if (toRequester > 0n) await transfer(state, MARKET_BONDS, r.requester, toRequester);
  if (toFiller > 0n) await transfer(state, MARKET_BONDS, MARKET_ESCROW, toFiller);
  await burn(state, MARKET_BONDS, burned);
  if (refund > 0n) await transfer(state, MARKET_ESCROW, r.requester, refund);
  const owedTo = addOwed(r.owedTo, lock.prover, owedShare);
  const next: ProofRequest = { ...r, status: 'open-fill', lock: null, minPrice: price, maxPrice: price, escalationCap: price, escrow: r.escrow - refund + toFiller, fillerReward: r.fillerReward + toFiller, owedTo: owedTo ?? r.owedTo };
  await putRequest(state, id, next);
  await countMarket(state, { slashes: 1n, slashedCollateral: c });
  emit({ type: 'market-slash', request: toHex(id), prover: encodeAddress(lock.prover), amount: c.toString(), fromDelegated: fromDelegated.toString(), reason, height: height.toString() });
  if (owedTo) return next;
  // more missed provers' delegators than a request can owe: nobody may fill it cheaper than they are owed, so it ends
  await refundRequest(state, id, next, 'expired', emit);
  return { ...next, status: 'expired', escrow: 0n, fillerReward: 0n };
}

/** The money a request holds, in the terms of economics.ts. */
export const held = (r: ProofRequest): Held => ({ maxPrice: r.maxPrice, escrow: r.escrow, fillerReward: r.fillerReward, owed: owedTotal(r) });

/** `owedTo` with a prover's share added (merged with its earlier one), or null when the list is full. */
function addOwed(owedTo: ProofRequest['owedTo'], prover: Uint8Array, amount: bigint): ProofRequest['owedTo'] | null {
  return amount === 0n ? owedTo : mergeAmount(owedTo, (o) => equalBytes(o.prover, prover), { prover, amount }, MAX_OWED);
}

/**
 * The lock holder declined within the accept window (it found no witness, docs/market.md
 * §declines): its collateral is free and its record as before the lock; the requester's escrow
 * pays the decline fee (burned, so declining earns a prover nothing); the price is capped at the
 * declined one and the escrow above it refunded. Returns the request, open again (the caller
 * matches it among provers that have not declined it), or null when `maxDeclines` cancelled it.
 */
export async function declineLock(state: Overlay, params: MarketParams, id: Uint8Array, r: ProofRequest, emit: Emit, height: bigint): Promise<ProofRequest | null> {
  const lock = r.lock!;
  await undoLock(state, lock, r.circuitId, height);
  const { fee, price, refund } = declineOutcome(params, held(r), lock.price);
  await burn(state, MARKET_ESCROW, fee);
  if (refund > 0n) await transfer(state, MARKET_ESCROW, r.requester, refund);
  const minPrice = r.minPrice < price ? r.minPrice : price;
  const open: ProofRequest = { ...r, status: 'open', lock: null, minPrice, maxPrice: price, escalationCap: price, escrow: r.escrow - fee - refund, declinedBy: [...r.declinedBy, lock.prover] };
  await countMarket(state, { declines: 1n });
  emit({ type: 'market-decline', request: toHex(id), prover: encodeAddress(lock.prover), fee: fee.toString(), height: height.toString() });
  if (BigInt(open.declinedBy.length) >= params.maxDeclines) {
    await refundRequest(state, id, open, 'cancelled', emit);
    return null;
  }
  await putRequest(state, id, open);
  return open;
}

/** A lock ended through no fault of its prover: its collateral is free and its record as before the lock. */
async function undoLock(state: Overlay, lock: Lock, circuitId: Uint8Array, height: bigint): Promise<void> {
  const p = await getProver(state, lock.prover);
  provers.put(state, lock.prover, { ...p, locked: p.locked - lock.collateral, locks: p.locks - 1n, lockedValue: p.lockedValue - lock.price });
  await endLock(state, lock, circuitId, height);
}

/**
 * A sealed request whose requester never sealed within its window (docs/market.md §sealed): the
 * prover is released unharmed and paid the cancellation share (`declineFeePpm` of the lock price,
 * from the escrow, shared with its delegators) for the capacity it held; the request is cancelled
 * and the rest refunded. Locking provers with requests one never seals therefore costs.
 */
export async function unsealedLock(state: Overlay, params: MarketParams, id: Uint8Array, r: ProofRequest, emit: Emit, height: bigint): Promise<void> {
  const lock = r.lock!;
  await undoLock(state, lock, r.circuitId, height);
  const budget = r.escrow - r.fillerReward;
  const wanted = (lock.price * params.declineFeePpm) / PPM;
  const share = wanted < budget ? wanted : budget;
  if (share > 0n) await payProver(state, MARKET_ESCROW, lock.prover, share, height);
  emit({ type: 'market-unsealed', request: toHex(id), prover: encodeAddress(lock.prover), paid: share.toString(), height: height.toString() });
  await refundRequest(state, id, { ...r, lock: null, escrow: r.escrow - share }, 'cancelled', emit);
}

/** Returns everything held for a request to its requester and closes it. */
export async function refundRequest(state: Overlay, id: Uint8Array, r: ProofRequest, status: 'expired' | 'cancelled', emit: Emit): Promise<void> {
  if (r.escrow > 0n) await transfer(state, MARKET_ESCROW, r.requester, r.escrow);
  await putRequest(state, id, { ...r, status, escrow: 0n, fillerReward: 0n, owedTo: [] });
  await countMarket(state, { [status]: 1n });
  emit({ type: `market-${status}`, request: toHex(id), refund: r.escrow.toString() });
}
