/**
 * Validator consensus keys: BLS12-381 in the min-pk setting (48-byte G1 public keys, 96-byte G2
 * signatures), hash-to-curve per RFC 9380 with Quarry's own DSTs. Keys are registered with a proof
 * of possession (a signature over the public key under a separate DST), which makes plain
 * aggregation of same-message signatures safe against rogue-key attacks.
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';

const bls = bls12_381.longSignatures;
export const BLS_PUBKEY_BYTES = 48;
export const BLS_SIGNATURE_BYTES = 96;
export const BLS_SECRET_BYTES = 32;
const SIG_DST = 'QUARRY_BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const POP_DST = 'QUARRY_BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';

export type BlsPublicKey = ReturnType<typeof bls.getPublicKey>;
export type BlsSignature = ReturnType<typeof bls.sign>;

export function blsKeyGen(seed?: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const { secretKey, publicKey } = bls.keygen(seed);
  return { secretKey, publicKey: publicKey.toBytes(true) };
}

export function blsPublicKey(secretKey: Uint8Array): Uint8Array {
  return bls.getPublicKey(secretKey).toBytes(true);
}

export function blsSign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return bls.Signature.toBytes(bls.sign(bls.hash(message, SIG_DST), secretKey));
}

/** Parses and subgroup-checks a public key once; keep the point to avoid re-decoding (≈1.4 ms). */
export function decodeBlsPublicKey(bytes: Uint8Array): BlsPublicKey | null {
  if (bytes.length !== BLS_PUBKEY_BYTES) return null;
  try {
    const point = bls12_381.G1.Point.fromBytes(bytes);
    point.assertValidity();
    if (point.is0()) return null;
    return point;
  } catch {
    return null;
  }
}

function decodeSignature(bytes: Uint8Array): BlsSignature | null {
  if (bytes.length !== BLS_SIGNATURE_BYTES) return null;
  try {
    const point = bls.Signature.fromBytes(bytes);
    point.assertValidity();
    return point;
  } catch {
    return null;
  }
}

export function blsVerify(signature: Uint8Array, message: Uint8Array, publicKey: BlsPublicKey | Uint8Array): boolean {
  const pk = publicKey instanceof Uint8Array ? decodeBlsPublicKey(publicKey) : publicKey;
  const sig = decodeSignature(signature);
  if (!pk || !sig) return false;
  try {
    return bls.verify(sig, bls.hash(message, SIG_DST), pk);
  } catch {
    return false;
  }
}

/** Verifies one aggregated signature by many signers over the same message. */
export function blsVerifyAggregate(signature: Uint8Array, message: Uint8Array, publicKeys: BlsPublicKey[]): boolean {
  if (publicKeys.length === 0) return false;
  return blsVerify(signature, message, bls.aggregatePublicKeys(publicKeys));
}

export function blsAggregate(signatures: Uint8Array[]): Uint8Array {
  const points = signatures.map((s) => {
    const p = decodeSignature(s);
    if (!p) throw new Error('invalid BLS signature in aggregate');
    return p;
  });
  return bls.Signature.toBytes(bls.aggregateSignatures(points));
}

export function blsProofOfPossession(secretKey: Uint8Array): Uint8Array {
  const pk = bls.getPublicKey(secretKey).toBytes(true);
  return bls.Signature.toBytes(bls.sign(bls.hash(pk, POP_DST), secretKey));
}

export function blsVerifyProofOfPossession(publicKey: Uint8Array, pop: Uint8Array): boolean {
  const pk = decodeBlsPublicKey(publicKey);
  const sig = decodeSignature(pop);
  if (!pk || !sig) return false;
  try {
    return bls.verify(sig, bls.hash(publicKey, POP_DST), pk);
  } catch {
    return false;
  }
}
