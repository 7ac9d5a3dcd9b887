/**
 * Epoch challenges (docs/puzzle.md §epochs): challenge(e) = SHA-256("quarry/epoch" ‖ chainId ‖ e ‖
 * hash of the last block of epoch e − 1) reduced into the BN254 scalar field; for epoch 0 the
 * "last block" is the genesis hash. A solution is valid only in its epoch.
 */
import { taggedHash } from '../node/crypto/hash.ts';
import { u64be, utf8 } from '../protocol/encoding/bytes.ts';
import { FR } from './field.ts';
import { bytesToBigBE } from '../protocol/encoding/bytes.ts';

export function epochChallenge(chainId: string, epoch: bigint, previousEpochLastHash: Uint8Array): bigint {
  const id = utf8(chainId);
  return bytesToBigBE(taggedHash('quarry/epoch', new Uint8Array([id.length]), id, u64be(epoch), previousEpochLastHash)) % FR;
}

/** Height of the block whose hash seeds epoch `epoch` (0 means the genesis hash). */
export function challengeSourceHeight(epoch: bigint, epochLength: bigint): bigint {
  return epoch * epochLength;
}
