/**
 * Canonical proof bytes (docs/puzzle.md §encoding): A ‖ B ‖ C, 256 bytes, affine coordinates as
 * 32-byte big-endian integers; G2 coordinates are (c0, c1) pairs in the order x.c0, x.c1, y.c0,
 * y.c1. Decoding is strict: exact length, coordinates reduced below the field modulus, points on
 * the curve, B in the prime-order subgroup, no point at infinity. Only these bytes are hashed,
 * never a submitted JSON (snarkjs also accepts Jacobian z ≠ 1, x + q or leading zeros).
 */
import { bn254 } from '@noble/curves/bn254.js';
import { QuarryError } from './errors.ts';
import { bigToBytesBE, bytesToBigBE } from './encoding/bytes.ts';

export const PROOF_BYTES = 256;
/** The BN254 base field modulus q. */
export const FQ = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

export interface AffineProof {
  a: [bigint, bigint];
  b: [[bigint, bigint], [bigint, bigint]]; // [[x.c0, x.c1], [y.c0, y.c1]]
  c: [bigint, bigint];
}

export function encodeProof(p: AffineProof): Uint8Array {
  const out = new Uint8Array(PROOF_BYTES);
  const coords = [p.a[0], p.a[1], p.b[0][0], p.b[0][1], p.b[1][0], p.b[1][1], p.c[0], p.c[1]];
  coords.forEach((v, i) => out.set(bigToBytesBE(v, 32), 32 * i));
  return out;
}

function bad(message: string): never {
  throw new QuarryError('E_SOLUTION_ENCODING', message);
}

export function decodeProof(bytes: Uint8Array): AffineProof {
  if (!(bytes instanceof Uint8Array) || bytes.length !== PROOF_BYTES) bad(`a proof is exactly ${PROOF_BYTES} bytes`);
  const c = Array.from({ length: 8 }, (_, i) => bytesToBigBE(bytes.subarray(32 * i, 32 * i + 32)));
  if (c.some((v) => v >= FQ)) bad('proof coordinate is not reduced below the field modulus');
  const proof: AffineProof = { a: [c[0]!, c[1]!], b: [[c[2]!, c[3]!], [c[4]!, c[5]!]], c: [c[6]!, c[7]!] };
  checkG1(proof.a, 'A');
  checkG1(proof.c, 'C');
  const { Fp2 } = bn254.fields;
  try {
    const pt = bn254.G2.Point.fromAffine({ x: Fp2.create({ c0: proof.b[0][0], c1: proof.b[0][1] }), y: Fp2.create({ c0: proof.b[1][0], c1: proof.b[1][1] }) });
    pt.assertValidity();
    if (pt.is0()) bad('B is the point at infinity');
    if (!pt.isTorsionFree()) bad('B is not in the prime-order subgroup');
  } catch (err) {
    if (err instanceof QuarryError) throw err;
    bad(`B is not a valid G2 point: ${(err as Error).message}`);
  }
  return proof;
}

function checkG1(xy: [bigint, bigint], name: string): void {
  try {
    const pt = bn254.G1.Point.fromAffine({ x: xy[0], y: xy[1] });
    pt.assertValidity();
    if (pt.is0()) bad(`${name} is the point at infinity`);
  } catch (err) {
    if (err instanceof QuarryError) throw err;
    bad(`${name} is not on the curve`);
  }
}

/** snarkjs JSON form (what `snarkjs.groth16.verify` takes). */
export interface SnarkjsProof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: 'groth16';
  curve: 'bn128';
}

export function toSnarkjs(p: AffineProof): SnarkjsProof {
  return {
    pi_a: [p.a[0].toString(), p.a[1].toString(), '1'],
    pi_b: [p.b[0].map(String), p.b[1].map(String), ['1', '0']],
    pi_c: [p.c[0].toString(), p.c[1].toString(), '1'],
    protocol: 'groth16',
    curve: 'bn128',
  };
}

/** Reads a snarkjs proof JSON into canonical form; only affine proofs with z = 1 are accepted. */
export function fromSnarkjs(j: SnarkjsProof): AffineProof {
  const num = (v: unknown) => {
    if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,77})$/.test(v)) bad('proof JSON holds a non-canonical number');
    return BigInt(v);
  };
  if (j?.pi_a?.length !== 3 || j.pi_b?.length !== 3 || j.pi_c?.length !== 3) bad('proof JSON has the wrong shape');
  if (num(j.pi_a[2]) !== 1n || num(j.pi_c[2]) !== 1n || num(j.pi_b[2]![0]) !== 1n || num(j.pi_b[2]![1]) !== 0n) bad('proof JSON is not in affine form');
  return encodeAndBack({
    a: [num(j.pi_a[0]), num(j.pi_a[1])],
    b: [[num(j.pi_b[0]![0]), num(j.pi_b[0]![1])], [num(j.pi_b[1]![0]), num(j.pi_b[1]![1])]],
    c: [num(j.pi_c[0]), num(j.pi_c[1])],
  });
}

function encodeAndBack(p: AffineProof): AffineProof {
  if ([p.a, p.c, ...p.b].flat().some((v) => v >= FQ)) bad('proof coordinate is not reduced below the field modulus');
  return decodeProof(encodeProof(p));
}
