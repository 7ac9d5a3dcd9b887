/**
 * Groth16 verification keys and circuit ids (docs/puzzle.md §circuit, docs/market.md §circuits):
 * the canonical encoding of a BN254 verification key, and the circuit id, which hashes it with the
 * witness generator's wasm hash because the witness generator is consensus code too.
 */
import { taggedHash } from './crypto/hash.ts';
import { bigToBytesBE, bytesToBigBE } from './encoding/bytes.ts';
import { decodeAs, encode } from './encoding/cbor.ts';
import { array, bytes, struct, uint } from './encoding/schema.ts';
import { QuarryError } from './errors.ts';

export interface VerificationKeyJson {
  protocol: string;
  curve: string;
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

const g1 = (p: string[]) => [bigToBytesBE(BigInt(p[0]!), 32), bigToBytesBE(BigInt(p[1]!), 32)];
const g2 = (p: string[][]) => p.slice(0, 2).flatMap((c) => c.map((v) => bigToBytesBE(BigInt(v), 32)));

/** Canonical CBOR of a Groth16 BN254 verification key (points as big-endian coordinates). */
export function canonicalVk(vk: VerificationKeyJson): Uint8Array {
  if (vk.protocol !== 'groth16' || vk.curve !== 'bn128') throw new QuarryError('E_INVALID_MSG', 'only Groth16 over BN254 (bn128) is supported');
  return encode({ nPublic: vk.nPublic, alpha: g1(vk.vk_alpha_1), beta: g2(vk.vk_beta_2), gamma: g2(vk.vk_gamma_2), delta: g2(vk.vk_delta_2), ic: vk.IC.map(g1) });
}

const canonicalVkSchema = struct({
  nPublic: uint(1024),
  alpha: array(bytes({ len: 32 }), 2, 2),
  beta: array(bytes({ len: 32 }), 4, 4),
  gamma: array(bytes({ len: 32 }), 4, 4),
  delta: array(bytes({ len: 32 }), 4, 4),
  ic: array(array(bytes({ len: 32 }), 2, 2), 1025, 1),
});

/** The verification key as affine coordinates (G2 as [[x.c0, x.c1], [y.c0, y.c1]]). */
export interface AffineVk {
  nPublic: number;
  alpha: [bigint, bigint];
  beta: [[bigint, bigint], [bigint, bigint]];
  gamma: [[bigint, bigint], [bigint, bigint]];
  delta: [[bigint, bigint], [bigint, bigint]];
  ic: Array<[bigint, bigint]>;
}

/** Decodes canonicalVk bytes (strictly; throws E_DECODE). */
export function decodeCanonicalVk(bytes: Uint8Array): AffineVk {
  const v = decodeAs(canonicalVkSchema, bytes, 1 << 16);
  if (v.ic.length !== v.nPublic + 1) throw new QuarryError('E_DECODE', 'verification key has the wrong number of IC points');
  const n = (b: Uint8Array) => bytesToBigBE(b);
  const g2 = (c: Uint8Array[]): [[bigint, bigint], [bigint, bigint]] => [[n(c[0]!), n(c[1]!)], [n(c[2]!), n(c[3]!)]];
  return { nPublic: v.nPublic, alpha: [n(v.alpha[0]!), n(v.alpha[1]!)], beta: g2(v.beta), gamma: g2(v.gamma), delta: g2(v.delta), ic: v.ic.map((p) => [n(p[0]!), n(p[1]!)]) };
}

export function circuitId(vk: VerificationKeyJson, wasmHash: Uint8Array): Uint8Array {
  return circuitIdOf(canonicalVk(vk), wasmHash);
}

/** Circuit id from canonical vk bytes (what the market registry stores). */
export function circuitIdOf(canonicalVkBytes: Uint8Array, wasmHash: Uint8Array): Uint8Array {
  return taggedHash('quarry/circuit', encode({ vk: canonicalVkBytes, wasm: wasmHash }));
}
