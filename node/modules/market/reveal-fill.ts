/**
 * `market/reveal-fill`: the second half of an open fill or a race entry. The signer must have
 * committed to this proof in an earlier block. In an open fill the first valid reveal is paid the
 * request's maxPrice plus the filler's share of the slashed collateral; in a race it counts in
 * commit order once the commit window has closed (docs/market.md §race).
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { equalBytes } from '../../../protocol/encoding/bytes.ts';
import { defineMsg } from '../types.ts';
import { commitKey, fillCommitment } from './fill-commitment.ts';
import { commitEnd, recordReveal } from './race.ts';
import { payFill } from './settle.ts';
import { prepareFills, verifyFill } from './proofs.ts';
import { fillCommits, getMarketParams, getRequest } from './state.ts';
import { revealFillSpec, type RevealFillMsg } from '../../../protocol/messages/market.ts';

export const revealFill = defineMsg<RevealFillMsg>({
  ...revealFillSpec,
  spend: () => 0n,
  prepare: prepareFills,
  async apply(ctx, m) {
    const r = await getRequest(ctx.state, m.requestId);
    if (r.status !== 'open-fill' && r.status !== 'race') throw new QuarryError('E_INVALID_MSG', `a ${r.status} request is not open to fills`);
    if (r.status === 'race' && ctx.height <= commitEnd(r)) throw new QuarryError('E_INVALID_MSG', `reveals open after the commit window (height ${commitEnd(r)})`);
    if (ctx.height > r.deadline) throw new QuarryError('E_EXPIRED', 'the request is past its deadline');
    const c = await fillCommits.get(ctx.state, commitKey(m.requestId, ctx.signer));
    if (!c || c.height >= ctx.height) throw new QuarryError('E_INVALID_MSG', 'no fill commitment from an earlier block');
    if (!equalBytes(c.commitment, fillCommitment(m.requestId, m.proof, ctx.signer, m.salt))) throw new QuarryError('E_INVALID_MSG', 'the reveal does not match the commitment');
    await verifyFill(ctx, r, m);
    if (r.status === 'race') return recordReveal(ctx, m.requestId, r, m);
    fillCommits.remove(ctx.state, commitKey(m.requestId, ctx.signer));
    await payFill(ctx.state, await getMarketParams(ctx.state), m.requestId, r, { filler: ctx.signer, price: r.maxPrice, proof: m.proof, publicSignals: m.publicSignals, onTime: false }, ctx.height, ctx.emit);
  },
});
