/**
 * node/crypto/bls.ts for the browser: the same functions and the same ciphersuite
 * (`BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`, min-pk) through @noble/curves instead of the
 * native blst, which a browser cannot load. scripts/build-web.mjs substitutes it at bundle time.
 * Keys and signatures are subgroup- and
 * infinity-checked on decoding like blst's validating decoders.
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { concatBytes } from '../../protocol/encoding/bytes.ts';
import { tagPrefix } from '../../protocol/crypto/hash.ts';

export const BLS_PUBKEY_BYTES = 48;
export const BLS_SIGNATURE_BYTES = 96;

const DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const sigs = bls12_381.longSignatures;
type G1 = ReturnType<typeof bls12_381.G1.Point.fromBytes>;
type G2 = ReturnType<typeof sigs.Signature.fromBytes>;
export type BlsPublicKey = G1;

/** Signing exists because shared modules import it (the beacon); a page never holds a validator key. */
export function blsSign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return sigs.Signature.toBytes(sigs.sign(sigs.hash(message, DST), secretKey));
}

export function decodeBlsPublicKey(bytes: Uint8Array): BlsPublicKey | null {
  if (bytes.length !== BLS_PUBKEY_BYTES) return null;
  try {
    const p = bls12_381.G1.Point.fromBytes(bytes);
    p.assertValidity();
    return p.is0() ? null : p;
  } catch {
    return null;
  }
}

function decodeSignature(bytes: Uint8Array): G2 | null {
  if (bytes.length !== BLS_SIGNATURE_BYTES) return null;
  try {
    const s = sigs.Signature.fromBytes(bytes);
    s.assertValidity();
    return s.is0() ? null : s;
  } catch {
    return null;
  }
}

export function blsVerify(signature: Uint8Array, message: Uint8Array, publicKey: BlsPublicKey | Uint8Array): boolean {
  const pk = publicKey instanceof Uint8Array ? decodeBlsPublicKey(publicKey) : publicKey;
  return pk !== null && blsVerifyAggregate(signature, message, [pk]);
}

/** One aggregated signature by many signers over the same message (one pairing check). */
export function blsVerifyAggregate(signature: Uint8Array, message: Uint8Array, publicKeys: BlsPublicKey[]): boolean {
  const sig = decodeSignature(signature);
  if (publicKeys.length === 0 || !sig) return false;
  try {
    return sigs.verify(sig, sigs.hash(message, DST), sigs.aggregatePublicKeys(publicKeys));
  } catch {
    return false;
  }
}

export function blsAggregate(signatures: Uint8Array[]): Uint8Array {
  const points = signatures.map(decodeSignature);
  if (points.includes(null)) throw new Error('invalid BLS signature in aggregate');
  return sigs.Signature.toBytes(sigs.aggregateSignatures(points as G2[]));
}

const popMessage = (publicKey: Uint8Array) => concatBytes(tagPrefix('quarry/bls-pop/v1'), publicKey);

export function blsVerifyProofOfPossession(publicKey: Uint8Array, pop: Uint8Array): boolean {
  const pk = decodeBlsPublicKey(publicKey);
  return pk !== null && blsVerify(pop, popMessage(publicKey), pk);
}
