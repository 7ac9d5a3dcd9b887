/**
 * Double-signing evidence (docs/consensus.md §evidence): two votes by one validator key for the
 * same height, round and step but different values. Both signatures must verify under the key of
 * the validator the votes name, so evidence cannot be forged against anyone else.
 */
import { struct, type Infer } from '../protocol/encoding/schema.ts';
import { encode } from '../protocol/encoding/cbor.ts';
import { taggedHash } from '../node/crypto/hash.ts';
import { blsVerify, type BlsPublicKey } from '../node/crypto/bls.ts';
import { QuarryError } from '../protocol/errors.ts';
import { voteSchema, voteSignBytes, type Vote } from './messages.ts';
import { valueKey } from './vote-keeper.ts';

export const evidenceSchema = struct({ first: voteSchema, second: voteSchema });
export type Evidence = Infer<typeof evidenceSchema>;

/** Orders the pair canonically (by value) so the same double sign always has the same encoding. */
export function makeEvidence(a: Vote, b: Vote): Evidence {
  return valueKey(a.blockHash) < valueKey(b.blockHash) ? { first: a, second: b } : { first: b, second: a };
}

export function evidenceId(e: Evidence): Uint8Array {
  return taggedHash('quarry/evidence', encode(e));
}

/** Structural checks and both signatures; throws E_BAD_REQUEST / E_BAD_SIGNATURE. */
export function verifyEvidence(chainId: string, e: Evidence, key: BlsPublicKey): void {
  const { first: a, second: b } = e;
  if (a.type !== b.type || a.height !== b.height || a.round !== b.round || a.validatorIndex !== b.validatorIndex) {
    throw new QuarryError('E_BAD_REQUEST', 'evidence votes are not for the same height, round, step and validator');
  }
  if (valueKey(a.blockHash) >= valueKey(b.blockHash)) throw new QuarryError('E_BAD_REQUEST', 'evidence votes do not conflict (or are not in canonical order)');
  if (!blsVerify(a.signature, voteSignBytes(chainId, a), key) || !blsVerify(b.signature, voteSignBytes(chainId, b), key)) {
    throw new QuarryError('E_BAD_SIGNATURE', 'an evidence vote is not signed by the accused validator');
  }
}
