/**
 * Fill commitments (docs/market.md §settlement, §race): H("quarry/market/fill" ‖ requestId ‖
 * SHA-256(proof) ‖ filler ‖ salt) binds a proof to its filler before the proof is public.
 */
import { concatBytes } from '../../../protocol/encoding/bytes.ts';
import { sha256, taggedHash } from '../../crypto/hash.ts';

export function fillCommitment(requestId: Uint8Array, proof: Uint8Array, filler: Uint8Array, salt: Uint8Array): Uint8Array {
  return taggedHash('quarry/market/fill', requestId, sha256(proof), filler, salt);
}

export const commitKey = (requestId: Uint8Array, filler: Uint8Array) => concatBytes(requestId, filler);
