/**
 * Validator consensus keys: BLS12-381 in the min-pk setting (48-byte G1 public keys, 96-byte G2
 * signatures) through blst (@chainsafe/blst, native; ≈1 ms to verify and 0.3 ms to sign here,
 * against ≈27 ms and 12 ms for the pure-JS @noble/curves). The hash-to-curve DST is the standard
 * proof-of-possession ciphersuite `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`, so any conforming
 * implementation (noble in the client SDK) verifies the same signatures; Quarry's own domain
 * separation is in the signed bytes (`quarry/prevote/v1`, …). Keys are registered with a proof of
 * possession: a signature over "quarry/bls-pop/v1" ‖ public key, which makes aggregating
 * signatures over one message safe against rogue-key attacks. Spec: docs/consensus.md §signing.
 */
import { PublicKey, SecretKey, Signature, aggregatePublicKeys, aggregateSignatures, verify, verifyMultipleAggregateSignatures } from '@chainsafe/blst';
import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { concatBytes } from '../../protocol/encoding/bytes.ts';
import { tagPrefix } from './hash.ts';

export const BLS_PUBKEY_BYTES = 48;
export const BLS_SIGNATURE_BYTES = 96;
export const BLS_SECRET_BYTES = 32;

export type BlsPublicKey = PublicKey;

/** A key from at least 32 bytes of keying material (random when omitted), per the IETF keygen. */
export function blsKeyGen(ikm?: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const sk = SecretKey.fromKeygen(ikm ?? randomBytes(32));
  return { secretKey: sk.toBytes(), publicKey: sk.toPublicKey().toBytes(true) };
}

export function blsPublicKey(secretKey: Uint8Array): Uint8Array {
  return SecretKey.fromBytes(secretKey).toPublicKey().toBytes(true);
}

export function blsSign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return SecretKey.fromBytes(secretKey).sign(message).toBytes(true);
}

/** Parses, subgroup- and infinity-checks a public key; keep the result to avoid re-decoding. */
export function decodeBlsPublicKey(bytes: Uint8Array): BlsPublicKey | null {
  if (bytes.length !== BLS_PUBKEY_BYTES) return null;
  try {
    return PublicKey.fromBytes(bytes, true);
  } catch {
    return null;
  }
}

function decodeSignature(bytes: Uint8Array): Signature | null {
  if (bytes.length !== BLS_SIGNATURE_BYTES) return null;
  try {
    return Signature.fromBytes(bytes, true, true);
  } catch {
    return null;
  }
}

/**
 * (signature, message, key) triples a batch check found valid (`blsPreverify`), by SHA-256 of the
 * three; consulted before any single check. Bounded: cleared when full, which costs only speed.
 */
const preverified = new Set<string>();
const PREVERIFIED_MAX = 8192;

const tripleId = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): string =>
  createHash('sha256').update(signature).update(message).update(publicKey).digest('hex');

export function blsVerify(signature: Uint8Array, message: Uint8Array, publicKey: BlsPublicKey | Uint8Array): boolean {
  const pk = publicKey instanceof Uint8Array ? decodeBlsPublicKey(publicKey) : publicKey;
  if (!pk) return false;
  // the lookup hashes the triple: skip it on the hot vote path, where nothing was batch-checked
  if (preverified.size > 0 && preverified.has(tripleId(signature, message, pk.toBytes(true)))) return true;
  const sig = decodeSignature(signature);
  if (!sig) return false;
  try {
    return verify(message, pk, sig);
  } catch {
    return false;
  }
}

/** Verifies one aggregated signature by many signers over the same message. */
export function blsVerifyAggregate(signature: Uint8Array, message: Uint8Array, publicKeys: BlsPublicKey[]): boolean {
  return publicKeys.length > 0 && blsVerify(signature, message, aggregatePublicKeys(publicKeys));
}

/** One signature check for a batch (`blsBatchSets`): an aggregate over one message counts as one. */
export interface BlsCheck {
  signature: Uint8Array;
  message: Uint8Array;
  publicKeys: BlsPublicKey[];
}

/** A check with its signers' keys aggregated (compressed): plain bytes, so it can cross threads. */
export interface BlsBatchSet {
  signature: Uint8Array;
  message: Uint8Array;
  publicKey: Uint8Array;
}

/** The checks as batch sets; null when one names no signer (it cannot hold). */
export function blsBatchSets(checks: BlsCheck[]): BlsBatchSet[] | null {
  if (checks.some((c) => c.publicKeys.length === 0)) return null;
  return checks.map((c) => ({ signature: c.signature, message: c.message, publicKey: aggregatePublicKeys(c.publicKeys).toBytes(true) }));
}

/**
 * Checks many signatures at once with blst's randomized batch (one final exponentiation for all,
 * https://ethresear.ch/t/fast-verification-of-multiple-bls-signatures/5407): true only when every
 * one holds. Runs on any thread (node/crypto/verify-thread.ts).
 */
export function blsBatchValid(sets: BlsBatchSet[]): boolean {
  const decoded = [];
  for (const s of sets) {
    const sig = decodeSignature(s.signature);
    const pk = decodeBlsPublicKey(s.publicKey);
    if (!sig || !pk) return false;
    decoded.push({ msg: s.message, pk, sig });
  }
  try {
    return decoded.length === 0 || verifyMultipleAggregateSignatures(decoded);
  } catch {
    return false;
  }
}

/** Records sets a batch found valid, so the single checks that follow (`blsVerify`, `blsVerifyAggregate`) pass at once. */
export function recordPreverified(sets: BlsBatchSet[]): void {
  if (preverified.size + sets.length > PREVERIFIED_MAX) preverified.clear();
  for (const s of sets) preverified.add(tripleId(s.signature, s.message, s.publicKey));
}

export function blsAggregate(signatures: Uint8Array[]): Uint8Array {
  const points = signatures.map((s) => {
    const p = decodeSignature(s);
    if (!p) throw new Error('invalid BLS signature in aggregate');
    return p;
  });
  return aggregateSignatures(points).toBytes(true);
}

const popMessage = (publicKey: Uint8Array) => concatBytes(tagPrefix('quarry/bls-pop/v1'), publicKey);

export function blsProofOfPossession(secretKey: Uint8Array): Uint8Array {
  return blsSign(popMessage(blsPublicKey(secretKey)), secretKey);
}

export function blsVerifyProofOfPossession(publicKey: Uint8Array, pop: Uint8Array): boolean {
  const pk = decodeBlsPublicKey(publicKey);
  return pk !== null && blsVerify(pop, popMessage(publicKey), pk);
}
