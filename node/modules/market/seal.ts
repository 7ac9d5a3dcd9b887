/**
 * `market/seal`: the requester posts a sealed request's private inputs, encrypted to the prover it
 * is locked to (protocol/seal.ts); the lock's turnaround starts now, and so does the prover's
 * window to decline inputs that do not open or admit no witness (docs/market.md §sealed). The
 * chain cannot read the seal: a bad one costs the requester a decline.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { equalBytes, toHex } from '../../../protocol/encoding/bytes.ts';
import { defineMsg } from '../types.ts';
import { putRequest } from './request-index.ts';
import { getRequest, seals } from './state.ts';
import { sealSpec, type SealMsg } from '../../../protocol/messages/market.ts';

export const seal = defineMsg<SealMsg>({
  ...sealSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    const r = await getRequest(ctx.state, m.requestId);
    if (!equalBytes(r.requester, ctx.signer)) throw new QuarryError('E_INVALID_MSG', 'only the requester seals its inputs');
    if (r.status !== 'locked' || !r.lock || r.lock.awaitingSeal === 0n) throw new QuarryError('E_INVALID_MSG', 'the request is not locked awaiting its seal');
    const turnaround = r.lock.awaitingSeal;
    const expiresAt = ctx.height + turnaround < r.deadline ? ctx.height + turnaround : r.deadline;
    seals.put(ctx.state, m.requestId, { ephemeralKey: m.ephemeralKey, nonce: m.nonce, ciphertext: m.ciphertext });
    await putRequest(ctx.state, m.requestId, { ...r, lock: { ...r.lock, awaitingSeal: 0n, sealedAt: ctx.height, expiresAt } });
    ctx.emit({ type: 'market-seal', request: toHex(m.requestId), expiresAt: expiresAt.toString(), height: ctx.height.toString() });
  },
});
