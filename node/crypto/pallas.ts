/**
 * Validators' Pallas session keys, for epoch handoffs proven recursively with o1js
 * (docs/epochs.md §keys). Signatures are o1js's Schnorr over Pallas with a Poseidon challenge,
 * the scheme its circuits verify natively (≈ 400 rows each), so a handoff signed here is checked
 * by the same code in and out of a proof.
 *
 * o1js is loaded on first use: it is a large module (≈ 0.7 s) that most commands never need.
 * The secret is derived from the validator's BLS secret (tagged SHA-256 reduced mod the scalar
 * order), so a validator key file holds one secret and needs no new format.
 *
 * Encodings are canonical and fixed-size: a public key is 32 bytes, the big-endian x coordinate
 * with the parity of y in the top bit (x < 2^255); a signature is r ‖ s, 32 bytes each.
 */
import { taggedHash } from './hash.ts';
import { concatBytes, fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import { PALLAS_PUBKEY_BYTES, PALLAS_SIGNATURE_BYTES } from '../../protocol/messages/staking.ts';

export { PALLAS_PUBKEY_BYTES, PALLAS_SIGNATURE_BYTES };
/** The Pallas base field (o1js `Field`) and scalar field orders. */
export const PALLAS_P = 0x40000000000000000000000000000000224698fc094cf91b992d30ed00000001n;
export const PALLAS_Q = 0x40000000000000000000000000000000224698fc0994a8dd8c46eb2100000001n;

type O1js = typeof import('o1js');
let o1jsModule: Promise<O1js> | null = null;

/** o1js, imported once. */
export function o1js(): Promise<O1js> {
  o1jsModule ??= import('o1js');
  return o1jsModule;
}

export function bytesToBigint(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + toHex(b));
}

export function bigintToBytes(n: bigint, len = 32): Uint8Array {
  return fromHex(n.toString(16).padStart(len * 2, '0'));
}

/** A field element from a short ASCII tag (≤ 31 bytes), used as a domain separator. */
export function tagField(tag: string): bigint {
  const b = new TextEncoder().encode(tag);
  if (b.length > 31) throw new Error(`tag too long: ${tag}`);
  return bytesToBigint(b);
}

/** A 32-byte hash as two 128-bit field elements (a field holds only 254 bits). */
export function hashToFields(h: Uint8Array): [bigint, bigint] {
  if (h.length !== 32) throw new Error('expected a 32-byte hash');
  return [bytesToBigint(h.subarray(0, 16)), bytesToBigint(h.subarray(16))];
}

/** The Pallas secret scalar a BLS secret implies (never zero). */
export function pallasSecretFromBls(blsSecret: Uint8Array): bigint {
  return (bytesToBigint(taggedHash('quarry/pallas-session-key/v1', blsSecret)) % (PALLAS_Q - 1n)) + 1n;
}

export async function pallasPublicKey(secret: bigint): Promise<Uint8Array> {
  const { PrivateKey, PublicKey } = await o1js();
  const { x, isOdd } = PublicKey.toValue(PrivateKey.fromBigInt(secret).toPublicKey());
  return bigintToBytes(x | (isOdd ? 1n << 255n : 0n));
}

/** Decodes a public key, or null when it is not canonical or not on the curve. */
export async function decodePallasPublicKey(bytes: Uint8Array): Promise<import('o1js').PublicKey | null> {
  if (bytes.length !== PALLAS_PUBKEY_BYTES) return null;
  const n = bytesToBigint(bytes);
  const x = n & ((1n << 255n) - 1n);
  if (x >= PALLAS_P) return null;
  const { PublicKey } = await o1js();
  try {
    const key = PublicKey.fromValue({ x, isOdd: n >> 255n === 1n });
    key.toGroup(); // throws when x³ + 5 has no square root
    return key;
  } catch {
    return null;
  }
}

export async function pallasSign(secret: bigint, message: readonly bigint[]): Promise<Uint8Array> {
  const { Field, PrivateKey, Signature, Scalar } = await o1js();
  const sig = Signature.create(PrivateKey.fromBigInt(secret), message.map((m) => Field(m)));
  return concatBytes(bigintToBytes(sig.r.toBigInt()), bigintToBytes(Scalar.toValue(sig.s)));
}

export async function decodePallasSignature(bytes: Uint8Array): Promise<import('o1js').Signature | null> {
  if (bytes.length !== PALLAS_SIGNATURE_BYTES) return null;
  const r = bytesToBigint(bytes.subarray(0, 32));
  const s = bytesToBigint(bytes.subarray(32));
  if (r >= PALLAS_P || s >= PALLAS_Q) return null;
  const { Signature } = await o1js();
  return Signature.fromValue({ r, s });
}

/** Checks a signature; malformed keys or signatures simply fail. */
export async function pallasVerify(publicKey: Uint8Array, message: readonly bigint[], signature: Uint8Array): Promise<boolean> {
  const key = await decodePallasPublicKey(publicKey);
  const sig = await decodePallasSignature(signature);
  if (!key || !sig) return false;
  const { Field } = await o1js();
  return sig.verify(key, message.map((m) => Field(m))).toBoolean();
}

export async function poseidonHash(fields: readonly bigint[]): Promise<bigint> {
  const { Field, Poseidon } = await o1js();
  return Poseidon.hash(fields.map((f) => Field(f))).toBigInt();
}

const POP_TAG = tagField('quarry/pallas-pop/v1');

/** What a proof of possession signs: the key and the operator it is registered to. */
export function pallasPopMessage(operator: Uint8Array, publicKey: Uint8Array): bigint[] {
  return [POP_TAG, bytesToBigint(operator), ...hashToFields(publicKey)];
}

export interface PallasIdentity {
  secret: bigint;
  publicKey: Uint8Array;
  proofOfPossession: Uint8Array;
}

/** A validator's Pallas key and its proof of possession for `operator`. */
export async function pallasIdentity(blsSecret: Uint8Array, operator: Uint8Array): Promise<PallasIdentity> {
  const secret = pallasSecretFromBls(blsSecret);
  const publicKey = await pallasPublicKey(secret);
  return { secret, publicKey, proofOfPossession: await pallasSign(secret, pallasPopMessage(operator, publicKey)) };
}

export async function pallasVerifyProofOfPossession(operator: Uint8Array, publicKey: Uint8Array, pop: Uint8Array): Promise<boolean> {
  return pallasVerify(publicKey, pallasPopMessage(operator, publicKey), pop);
}
