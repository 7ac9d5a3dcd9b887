/** Matching an unlocked request against the circuit's standing asks (docs/market.md §order book). */
import type { Overlay, StateReader } from '../../state/view.ts';
import { equalBytes } from '../../../protocol/encoding/bytes.ts';
import { bestAsk, drawAsk, eligibleAsks, lockPrice, type AskCandidate } from './pricing.ts';
import { taggedHash } from '../../crypto/hash.ts';
import { getBeaconMix } from '../beacon.ts';
import { putRequest } from './request-index.ts';
import { lockCollateral } from './economics.ts';
import { askers, askId, asks, getProver, owedTotal, proverKeys, type MarketParams, type ProofRequest } from './state.ts';
import { lockRequest, slashLock, type Emit } from './settle.ts';

/** The circuit's standing asks with their provers' state. */
export async function askCandidates(state: StateReader, circuitId: Uint8Array): Promise<AskCandidate[]> {
  const candidates: AskCandidate[] = [];
  for (const prover of (await askers.get(state, circuitId))?.provers ?? []) {
    const a = await asks.get(state, askId(prover, circuitId));
    if (a) candidates.push({ prover, ask: a, state: await getProver(state, prover), sealable: (await proverKeys.get(state, prover)) !== undefined });
  }
  return candidates;
}

/**
 * Locks the request to its best eligible ask, if any (`candidates` may be passed in when known to
 * be current). A stake-mode request is drawn instead (docs/market.md §selection): at the end of the
 * next block, from that block's beacon mix, unless `drawNow` (its draw is due, or its prover just
 * missed and it is re-drawn at once among the others).
 */
export async function tryMatch(state: Overlay, params: MarketParams, id: Uint8Array, r: ProofRequest, height: bigint, emit: Emit, candidates?: AskCandidate[], drawNow = false): Promise<ProofRequest> {
  if (r.mode === 'stake' && !drawNow) return scheduleDraw(state, id, r, height + 1n);
  const eligible = candidates ?? (await askCandidates(state, r.circuitId));
  const best = r.mode === 'stake' ? drawAsk(eligibleAsks(r, height, eligible, params), taggedHash('quarry/market/draw', await getBeaconMix(state), id)) : bestAsk(r, height, eligible, params);
  if (!best) return r.drawAt === 0n ? r : putAndReturn(state, id, { ...r, drawAt: 0n });
  const turnaround = best.ask.maxTurnaround < r.lockBlocks || r.lockBlocks === 0n ? best.ask.maxTurnaround : r.lockBlocks;
  const expiresAt = height + turnaround < r.deadline ? height + turnaround : r.deadline;
  // stake mode pays the requester's price: provers are chosen by stake, not by undercutting
  const price = r.mode === 'stake' ? r.maxPrice : lockPrice(best.ask, owedTotal(r));
  const collateral = lockCollateral(params, r.collateral, price);
  return lockRequest(state, id, { ...r, drawAt: 0n }, { prover: best.prover, price, lockedAt: height, expiresAt, collateral, viaAsk: true }, emit, height);
}

async function putAndReturn(state: Overlay, id: Uint8Array, r: ProofRequest): Promise<ProofRequest> {
  await putRequest(state, id, r);
  return r;
}

/** A stake-mode request's draw at the end of `at` (kept if one is already due sooner). */
async function scheduleDraw(state: Overlay, id: Uint8Array, r: ProofRequest, at: bigint): Promise<ProofRequest> {
  if (r.status !== 'open' || (r.drawAt > 0n && r.drawAt <= at)) return r;
  return putAndReturn(state, id, { ...r, drawAt: at });
}

/**
 * A missed lock: slash it, then rotate proving rights at once to the next eligible ask (never the
 * prover that just missed); with none, the request stays open to anyone's commit-reveal fill
 * (docs/market.md §lifecycle).
 */
export async function missLock(state: Overlay, params: MarketParams, id: Uint8Array, r: ProofRequest, height: bigint, emit: Emit, reason: 'timeout' | 'false-proof'): Promise<ProofRequest> {
  const missed = r.lock!.prover;
  const open = await slashLock(state, params, id, r, emit, height, reason);
  if (open.status !== 'open-fill') return open;
  const others = (await askCandidates(state, r.circuitId)).filter((c) => !equalBytes(c.prover, missed));
  return tryMatch(state, params, id, open, height, emit, others, true);
}
