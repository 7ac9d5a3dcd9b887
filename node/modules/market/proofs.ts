/** Fill proofs: schema, public-signal checks and (batched) verification through the node's verifier. */
import { QuarryError } from '../../../protocol/errors.ts';
import { decodeCanonicalVk } from '../../../protocol/verification-key.ts';
import type { MsgContext } from '../types.ts';
import { publicSignalsMatch } from './inputs.ts';
import { getRequest, requireCircuit, type ProofRequest } from './state.ts';

interface FillLike {
  requestId: Uint8Array;
  proof: Uint8Array;
  publicSignals: string[];
}

/** Checks a fill's proof for its request: matching public inputs, then Groth16. */
export async function verifyFill(ctx: MsgContext, r: ProofRequest, fill: FillLike): Promise<void> {
  const c = await requireCircuit(ctx.state, r.circuitId);
  const nPublic = decodeCanonicalVk(c.vk).nPublic;
  if (!publicSignalsMatch(c, r.inputs, fill.publicSignals, nPublic, r.mode === 'race' ? ctx.signer : undefined)) throw new QuarryError('E_INVALID_PROOF', 'the public signals do not match the request');
  const [ok] = await ctx.proofs.verify(r.circuitId, c.vk, [{ proof: fill.proof, publicSignals: fill.publicSignals.map(BigInt) }]);
  if (!ok) throw new QuarryError('E_INVALID_PROOF', 'the proof does not verify');
}

/** Verifies every fill of a transaction in one batch per circuit (warming the verdict cache). */
export async function prepareFills(ctx: MsgContext, fills: FillLike[]): Promise<void> {
  const groups = new Map<string, { circuitId: Uint8Array; vk: Uint8Array; items: Array<{ proof: Uint8Array; publicSignals: bigint[] }> }>();
  for (const f of fills) {
    try {
      const r = await getRequest(ctx.state, f.requestId);
      const c = await requireCircuit(ctx.state, r.circuitId);
      const key = Buffer.from(r.circuitId).toString('hex');
      const g = groups.get(key) ?? { circuitId: r.circuitId, vk: c.vk, items: [] };
      if (f.publicSignals.length === decodeCanonicalVk(c.vk).nPublic) g.items.push({ proof: f.proof, publicSignals: f.publicSignals.map(BigInt) });
      groups.set(key, g);
    } catch {
      // the message itself will fail with its own error when applied
    }
  }
  for (const g of groups.values()) if (g.items.length > 1) await ctx.proofs.verify(g.circuitId, g.vk, g.items);
}
