/** Matching an unlocked request against the circuit's standing asks (docs/market.md §order book). */
import type { Overlay } from '../../state/view.ts';
import { equalBytes } from '../../../protocol/encoding/bytes.ts';
import { bestAsk, lockPrice, type AskCandidate } from './pricing.ts';
import { lockCollateral } from './economics.ts';
import { askers, askId, asks, getProver, owedTotal, type MarketParams, type ProofRequest } from './state.ts';
import { lockRequest, slashLock, type Emit } from './settle.ts';

/** The circuit's standing asks with their provers' state. */
export async function askCandidates(state: Overlay, circuitId: Uint8Array): Promise<AskCandidate[]> {
  const candidates: AskCandidate[] = [];
  for (const prover of (await askers.get(state, circuitId))?.provers ?? []) {
    const a = await asks.get(state, askId(prover, circuitId));
    if (a) candidates.push({ prover, ask: a, state: await getProver(state, prover) });
  }
  return candidates;
}

/** Locks the request to its best eligible ask, if any (`candidates` may be passed in when known to be current). */
export async function tryMatch(state: Overlay, params: MarketParams, id: Uint8Array, r: ProofRequest, height: bigint, emit: Emit, candidates?: AskCandidate[]): Promise<ProofRequest> {
  const best = bestAsk(r, height, candidates ?? (await askCandidates(state, r.circuitId)), params);
  if (!best) return r;
  const turnaround = best.ask.maxTurnaround < r.lockBlocks || r.lockBlocks === 0n ? best.ask.maxTurnaround : r.lockBlocks;
  const expiresAt = height + turnaround < r.deadline ? height + turnaround : r.deadline;
  const price = lockPrice(best.ask, owedTotal(r));
  const collateral = lockCollateral(params, r.collateral, price);
  return lockRequest(state, id, r, { prover: best.prover, price, lockedAt: height, expiresAt, collateral, viaAsk: true }, emit, height);
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
  return tryMatch(state, params, id, open, height, emit, others);
}
