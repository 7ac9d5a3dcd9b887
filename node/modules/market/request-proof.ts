/**
 * `market/request-proof`: ask for a proof of a registered circuit on given inputs (public and
 * private; in v1 provers see them all). The requester escrows `escalationCap`, the most it may
 * ever pay. The request is served at once from the proof cache if the same (circuit, inputs) was
 * proven recently (at the price first paid); under a reservation it goes straight to that prover; else it is matched against
 * the best standing ask, or waits as a Dutch auction any bonded prover may lock.
 */
import { payProver } from './delegation.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { equalBytes, toHex } from '../../../protocol/encoding/bytes.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { NO_ID } from '../../state/record.ts';
import { burn, transfer } from '../bank/account.ts';
import { defineMsg, type MsgContext } from '../types.ts';
import { cacheKey, checkInputs } from './inputs.ts';
import { tryMatch } from './match.ts';
import { lockRequest } from './settle.ts';
import { openRequests, putRequest } from './request-index.ts';
import {
  getMarketParams,
  MARKET_ESCROW,
  PPM,
  proofCache,
  requestProofs,
  requireCircuit,
  reservations,
  type MarketParams,
  type ProofRequest,
  type SelectionMode,
  MAX_RACE_WINNERS,
  proverKeys,
} from './state.ts';
import { marketFee } from './economics.ts';
import { countMarket } from './totals.ts';
import { requestId, requestProofSpec, type RequestProofMsg } from '../../../protocol/messages/market.ts';


export const requestProof = defineMsg<RequestProofMsg>({
  ...requestProofSpec,
  spend: (m) => (m.reservation ? 0n : m.escalationCap),
  async apply(ctx, m) {
    const params = await getMarketParams(ctx.state);
    const circuit = await requireCircuit(ctx.state, m.circuitId);
    checkInputs(circuit, m.inputs, m.mode === 'race');
    if (m.sealed && m.inputs.some((i) => !circuit.publicInputs.includes(i.name))) throw new QuarryError('E_INVALID_MSG', 'a sealed request carries its public inputs only: the private ones go in the seal');
    checkMode(m);
    if (m.minPrice > m.maxPrice || m.maxPrice > m.escalationCap) throw new QuarryError('E_INVALID_MSG', 'prices must satisfy minPrice ≤ maxPrice ≤ escalationCap');
    if (m.deadlineBlocks === 0n || m.deadlineBlocks > params.maxDeadlineBlocks) throw new QuarryError('E_INVALID_MSG', `deadline must be 1..${params.maxDeadlineBlocks} blocks`);
    if (m.minReputationPpm > PPM) throw new QuarryError('E_INVALID_MSG', 'minReputationPpm is at most 1,000,000');
    const id = requestId(ctx.txHash, ctx.msgIndex);
    await countMarket(ctx.state, { requests: 1n });
    if (m.mode !== 'race' && !m.sealed && (await serveFromCache(ctx, m, id, params))) return;
    if ((await openRequests.count(ctx.state, NO_ID)) >= params.maxOpenRequests) throw new QuarryError('E_MEMPOOL_FULL', 'the market has too many open requests');
    const base = newRequest(ctx, m);
    ctx.emit({ type: 'market-request', request: toHex(id), requester: encodeAddress(ctx.signer), circuit: toHex(m.circuitId), maxPrice: m.maxPrice.toString() });
    if (m.reservation) return useReservation(ctx, id, base, m.reservation);
    await transfer(ctx.state, ctx.signer, MARKET_ESCROW, m.escalationCap);
    const r: ProofRequest = { ...base, escrow: m.escalationCap, status: m.mode === 'race' ? 'race' : 'open' };
    await putRequest(ctx.state, id, r);
    if (r.status === 'open') await tryMatch(ctx.state, params, id, r, ctx.height, ctx.emit);
  },
});

/** The mode's own rules (docs/market.md §selection, §race). */
function checkMode(m: RequestProofMsg): void {
  if (m.mode !== 'race' && m.winners !== 1n) throw new QuarryError('E_INVALID_MSG', 'only a race has more than one winner');
  if (m.mode === 'race' && (m.winners === 0n || m.winners > MAX_RACE_WINNERS)) throw new QuarryError('E_INVALID_MSG', `a race has 1 to ${MAX_RACE_WINNERS} winners`);
  if (m.mode === 'race' && (m.lockBlocks === 0n || m.lockBlocks >= m.deadlineBlocks)) throw new QuarryError('E_INVALID_MSG', 'a race needs a commit window (lockBlocks ≥ 1) that closes before its deadline');
  if (m.mode !== 'book' && m.reservation) throw new QuarryError('E_INVALID_MSG', 'a reservation names its prover: it cannot be drawn or raced');
  if (m.mode === 'race' && m.sealed) throw new QuarryError('E_INVALID_MSG', 'a race has no single prover to seal inputs to');
}

/** The request a message describes, open and unfunded (escrow is added by the caller). */
function newRequest(ctx: MsgContext, m: RequestProofMsg): ProofRequest {
  return {
    requester: ctx.signer,
    circuitId: m.circuitId,
    inputs: m.inputs,
    minPrice: m.minPrice,
    maxPrice: m.maxPrice,
    rampBlocks: m.rampBlocks,
    lockBlocks: m.lockBlocks,
    deadline: ctx.height + m.deadlineBlocks,
    collateral: m.collateral,
    minReputationPpm: m.minReputationPpm,
    escalationCap: m.escalationCap,
    escrow: 0n,
    fillerReward: 0n,
    createdAt: ctx.height,
    listedAt: ctx.height,
    status: 'open',
    lock: null,
    reservation: m.reservation,
    filledBy: null,
    paid: 0n,
    relists: 0n,
    declinedBy: [], owedTo: [], mode: m.mode as SelectionMode, drawAt: 0n, winners: m.winners, racers: [], sealed: m.sealed,
  };
}

/**
 * An identical (circuit, inputs) proven recently, at a price within this request's maxPrice: its
 * prover is paid again what the proof was first paid (less the fee), so nobody gets a proof for
 * less than the first requester paid. Dearer than maxPrice, the request goes to the market.
 */
async function serveFromCache(ctx: MsgContext, m: RequestProofMsg, id: Uint8Array, params: MarketParams): Promise<boolean> {
  const hit = await proofCache.get(ctx.state, cacheKey(m.circuitId, m.inputs));
  if (!hit || hit.height + params.proofCacheBlocks < ctx.height || m.reservation || hit.price > m.maxPrice) return false;
  const fee = marketFee(params, hit.price);
  await payProver(ctx.state, ctx.signer, hit.prover, hit.price - fee, ctx.height);
  await burn(ctx.state, ctx.signer, fee);
  requestProofs.put(ctx.state, id, { proof: hit.proof, publicSignals: hit.publicSignals });
  await putRequest(ctx.state, id, { ...newRequest(ctx, m), deadline: ctx.height, collateral: 0n, status: 'fulfilled', reservation: null, filledBy: hit.prover, paid: hit.price });
  await countMarket(ctx.state, { fulfilled: 1n, fromCache: 1n, paid: hit.price });
  ctx.emit({ type: 'market-fill', request: toHex(id), prover: encodeAddress(hit.prover), price: hit.price.toString(), cached: true, height: ctx.height.toString() });
  return true;
}

/** A reserved slot: the prepaid price becomes the escrow and the prover is locked at once. */
async function useReservation(ctx: MsgContext, id: Uint8Array, base: ProofRequest, resId: Uint8Array): Promise<void> {
  const res = await reservations.get(ctx.state, resId);
  if (!res || !equalBytes(res.buyer, ctx.signer)) throw new QuarryError('E_NOT_FOUND', 'no such reservation of yours');
  if (!equalBytes(res.circuitId, base.circuitId)) throw new QuarryError('E_INVALID_MSG', 'the reservation is for another circuit');
  if (res.remaining === 0n || ctx.height > res.endHeight) throw new QuarryError('E_INVALID_MSG', 'the reservation is used up or over');
  if (base.sealed && !(await proverKeys.get(ctx.state, res.prover))) throw new QuarryError('E_INVALID_MSG', 'the reserved prover has published no key to seal inputs to');
  reservations.put(ctx.state, resId, { ...res, remaining: res.remaining - 1n });
  const r = { ...base, escrow: res.price, escalationCap: res.price, maxPrice: res.price, minPrice: res.price, collateral: res.collateralPerProof };
  await putRequest(ctx.state, id, r);
  const expiresAt = ctx.height + res.turnaround < r.deadline ? ctx.height + res.turnaround : r.deadline;
  await lockRequest(ctx.state, id, r, { prover: res.prover, price: res.price, lockedAt: ctx.height, expiresAt, collateral: res.collateralPerProof, viaAsk: false }, ctx.emit, ctx.height, true);
}
