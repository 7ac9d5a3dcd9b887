/**
 * `market/fulfill`: the prover holding the lock delivers the proof before the lock expires; the
 * chain verifies it (several fills in one transaction are verified as one batch) and pays. A false
 * proof from the lock holder is rejected and the lock is slashed and rotated as if it had timed
 * out (docs/market.md §verification): claiming delivery without it must cost the collateral.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { equalBytes } from '../../../protocol/encoding/bytes.ts';
import { defineMsg, PenalizedRejection, type MsgContext } from '../types.ts';
import { payFill } from './settle.ts';
import { missLock } from './match.ts';
import { prepareFills, verifyFill } from './proofs.ts';
import { getMarketParams, getRequest } from './state.ts';
import { fulfillSpec, type FulfillMsg } from '../../../protocol/messages/market.ts';

/** Re-read without the transaction's writes: only a lock the signer held before it is slashed. */
async function slashFalseProof(ctx: MsgContext, id: Uint8Array): Promise<void> {
  const r = await getRequest(ctx.state, id);
  if (r.status !== 'locked' || !r.lock || !equalBytes(r.lock.prover, ctx.signer)) return;
  await missLock(ctx.state, await getMarketParams(ctx.state), id, r, ctx.height, ctx.emit, 'false-proof');
}

export const fulfill = defineMsg<FulfillMsg>({
  ...fulfillSpec,
  spend: () => 0n,
  prepare: prepareFills,
  async apply(ctx, m) {
    const r = await getRequest(ctx.state, m.requestId);
    if (r.status !== 'locked' || !r.lock) throw new QuarryError('E_INVALID_MSG', `a ${r.status} request cannot be fulfilled by its locker`);
    if (!equalBytes(r.lock.prover, ctx.signer)) throw new QuarryError('E_INVALID_MSG', 'the request is locked to another prover');
    if (ctx.height > r.lock.expiresAt) throw new QuarryError('E_EXPIRED', 'the lock has expired');
    try {
      await verifyFill(ctx, r, m);
    } catch (err) {
      if (!(err instanceof QuarryError) || err.code !== 'E_INVALID_PROOF') throw err;
      throw new PenalizedRejection(err.code, `${err.message}; the lock is slashed`, (p) => slashFalseProof(p, m.requestId));
    }
    await payFill(ctx.state, await getMarketParams(ctx.state), m.requestId, r, { filler: ctx.signer, price: r.lock.price, proof: m.proof, publicSignals: m.publicSignals, onTime: true }, ctx.height, ctx.emit);
  },
});
