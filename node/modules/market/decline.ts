/**
 * `market/decline`: the holder of a lock gives it back within the accept window, without a slash,
 * because it found no witness for the request's inputs (docs/market.md §declines). The requester
 * pays the decline fee; the request goes to the best ask of a prover that has not declined it.
 * The prover is never matched to that request again.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { equalBytes } from '../../../protocol/encoding/bytes.ts';
import { declineSpec, type DeclineMsg } from '../../../protocol/messages/market.ts';
import { defineMsg } from '../types.ts';
import { declineLock } from './settle.ts';
import { tryMatch } from './match.ts';
import { getMarketParams, getRequest } from './state.ts';

export const decline = defineMsg<DeclineMsg>({
  ...declineSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    const r = await getRequest(ctx.state, m.requestId);
    if (r.status !== 'locked' || !r.lock || !equalBytes(r.lock.prover, ctx.signer)) throw new QuarryError('E_INVALID_MSG', 'only the holder of a lock may decline it');
    const params = await getMarketParams(ctx.state);
    if (r.lock.awaitingSeal > 0n) throw new QuarryError('E_INVALID_MSG', 'the inputs are not sealed yet: the window to decline opens with the seal');
    // a sealed request's window counts from its seal: only then can the prover read the inputs
    const closes = (r.lock.sealedAt > 0n ? r.lock.sealedAt : r.lock.lockedAt) + params.acceptWindowBlocks;
    if (ctx.height > closes) throw new QuarryError('E_EXPIRED', `the accept window closed at height ${closes}: deliver or lose the collateral`);
    const open = await declineLock(ctx.state, params, m.requestId, r, ctx.emit, ctx.height);
    if (open) await tryMatch(ctx.state, params, m.requestId, open, ctx.height, ctx.emit);
  },
});
