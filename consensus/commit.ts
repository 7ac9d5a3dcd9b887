/**
 * Commit certificates: a signer bitmap plus one aggregated BLS signature over the precommit
 * message, valid when the signers hold more than 2/3 of the height's voting power. Verifying one
 * costs one aggregate-key sum and one pairing check, whatever the number of signers.
 */
import { blsAggregate, blsVerifyAggregate, type BlsCheck } from '../node/crypto/bls.ts';
import { QuarryError } from '../protocol/errors.ts';
import { equalBytes } from '../protocol/encoding/bytes.ts';
import { voteSignBytes, type CommitCertificate, type Vote } from './messages.ts';
import type { ValidatorSet } from './validator-set.ts';

export function bitmapSet(bitmap: Uint8Array, i: number): boolean {
  return ((bitmap[i >> 3] ?? 0) & (1 << (i & 7))) !== 0;
}

export function makeBitmap(indices: number[], size: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(size / 8));
  for (const i of indices) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

/** Aggregates precommits (already verified one by one or in aggregate) into a certificate. */
export function buildCommit(set: ValidatorSet, height: bigint, round: number, blockHash: Uint8Array, precommits: Vote[]): CommitCertificate {
  const votes = precommits.filter((v) => v.type === 'precommit' && v.blockHash && equalBytes(v.blockHash, blockHash));
  return {
    height,
    round,
    blockHash,
    signers: makeBitmap(votes.map((v) => v.validatorIndex), set.size),
    signature: blsAggregate(votes.map((v) => v.signature)),
  };
}

/**
 * The signature check a commit certificate needs (the signers' keys and the precommit message),
 * after its structural checks; throws E_BAD_COMMIT when those fail.
 */
export function commitSignatureCheck(chainId: string, set: ValidatorSet, commit: CommitCertificate, height: bigint, blockHash: Uint8Array): BlsCheck {
  if (commit.height !== height) throw new QuarryError('E_BAD_COMMIT', `commit is for height ${commit.height}, expected ${height}`);
  if (!equalBytes(commit.blockHash, blockHash)) throw new QuarryError('E_BAD_COMMIT', 'commit is for another block');
  if (commit.signers.length !== Math.ceil(set.size / 8)) throw new QuarryError('E_BAD_COMMIT', 'signer bitmap has the wrong length');
  const publicKeys = [];
  let power = 0n;
  for (let i = 0; i < commit.signers.length * 8; i++) {
    if (!bitmapSet(commit.signers, i)) continue;
    if (i >= set.size) throw new QuarryError('E_BAD_COMMIT', 'signer bitmap names a validator outside the set');
    publicKeys.push(set.publicKey(i));
    power += set.power(i);
  }
  if (!set.isQuorum(power)) throw new QuarryError('E_BAD_COMMIT', `signers hold ${power} of ${set.totalPower} voting power, need more than 2/3`);
  const message = voteSignBytes(chainId, { type: 'precommit', height, round: commit.round, blockHash, validatorIndex: 0 });
  return { signature: commit.signature, message, publicKeys };
}

/** Throws E_BAD_COMMIT unless `commit` finalizes `blockHash` at `height` under `set`. */
export function verifyCommit(chainId: string, set: ValidatorSet, commit: CommitCertificate, height: bigint, blockHash: Uint8Array): void {
  const check = commitSignatureCheck(chainId, set, commit, height, blockHash);
  if (!blsVerifyAggregate(check.signature, check.message, check.publicKeys)) throw new QuarryError('E_BAD_COMMIT', 'aggregated commit signature does not verify');
}
