/**
 * `market/commit-fill`: the first half of an open fill (after a lock timed out, anyone may fill)
 * or of a race entry (docs/market.md §race). The commitment binds the proof to its filler before
 * the proof is public, so a proof seen in the mempool cannot be stolen.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { defineMsg } from '../types.ts';
import { commitKey } from './fill-commitment.ts';
import { commitRace } from './race.ts';
import { fillCommits, getRequest } from './state.ts';
import { commitFillSpec, type CommitFillMsg } from '../../../protocol/messages/market.ts';

export { commitKey, fillCommitment } from './fill-commitment.ts';

export const commitFill = defineMsg<CommitFillMsg>({
  ...commitFillSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    const r = await getRequest(ctx.state, m.requestId);
    if (r.status !== 'locked' && r.status !== 'open-fill' && r.status !== 'race') throw new QuarryError('E_INVALID_MSG', `a ${r.status} request takes no fill commitments`);
    if (r.status === 'race') await commitRace(ctx, m.requestId, r);
    fillCommits.put(ctx.state, commitKey(m.requestId, ctx.signer), { commitment: m.commitment, height: ctx.height });
  },
});
