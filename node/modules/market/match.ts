/** Matching an unlocked request against the circuit's standing asks (docs/market.md §order book). */
import type { Overlay } from '../../state/view.ts';
import { bestAsk, type AskCandidate } from './pricing.ts';
import { askers, askId, asks, getProver, type ProofRequest } from './state.ts';
import { lockRequest, type Emit } from './settle.ts';

export async function tryMatch(state: Overlay, id: Uint8Array, r: ProofRequest, height: bigint, emit: Emit): Promise<ProofRequest> {
  const candidates: AskCandidate[] = [];
  for (const prover of (await askers.get(state, r.circuitId))?.provers ?? []) {
    const a = await asks.get(state, askId(prover, r.circuitId));
    if (a) candidates.push({ prover, ask: a, state: await getProver(state, prover) });
  }
  const best = bestAsk(r, height, candidates);
  if (!best) return r;
  const turnaround = best.ask.maxTurnaround < r.lockBlocks || r.lockBlocks === 0n ? best.ask.maxTurnaround : r.lockBlocks;
  const expiresAt = height + turnaround < r.deadline ? height + turnaround : r.deadline;
  return lockRequest(state, id, r, { prover: best.prover, price: best.ask.price, lockedAt: height, expiresAt, collateral: r.collateral, viaAsk: true }, emit, height);
}
