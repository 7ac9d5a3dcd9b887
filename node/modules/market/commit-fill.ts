/**
 * `market/commit-fill`: the first half of an open fill (after a lock timed out, anyone may fill).
 * The commitment H("quarry/market/fill" ‖ requestId ‖ SHA-256(proof) ‖ filler ‖ salt) binds the
 * proof to its filler before the proof is public, so a proof seen in the mempool cannot be stolen.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { concatBytes } from '../../../protocol/encoding/bytes.ts';
import { sha256, taggedHash } from '../../crypto/hash.ts';
import { defineMsg } from '../types.ts';
import { fillCommits, getRequest } from './state.ts';
import { commitFillSpec, type CommitFillMsg } from '../../../protocol/messages/market.ts';

export function fillCommitment(requestId: Uint8Array, proof: Uint8Array, filler: Uint8Array, salt: Uint8Array): Uint8Array {
  return taggedHash('quarry/market/fill', requestId, sha256(proof), filler, salt);
}

export const commitKey = (requestId: Uint8Array, filler: Uint8Array) => concatBytes(requestId, filler);

export const commitFill = defineMsg<CommitFillMsg>({
  ...commitFillSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    const r = await getRequest(ctx.state, m.requestId);
    if (r.status !== 'locked' && r.status !== 'open-fill') throw new QuarryError('E_INVALID_MSG', `a ${r.status} request takes no fill commitments`);
    fillCommits.put(ctx.state, commitKey(m.requestId, ctx.signer), { commitment: m.commitment, height: ctx.height });
  },
});
