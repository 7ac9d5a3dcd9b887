/**
 * BN254 scalar-field helpers for statements and the canonical blinding scalars
 * (docs/puzzle.md §statement and §canonical proofs).
 */
import { sha256, tagPrefix } from '../node/crypto/hash.ts';
import { bigToBytesBE, bytesToBigBE, concatBytes, u64be } from '../protocol/encoding/bytes.ts';

/** The BN254 scalar field modulus r. */
export const FR = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** The statement the puzzle circuit proves: public inputs (challenge, address, nonce). */
export interface Statement {
  challenge: bigint; // < FR
  address: Uint8Array; // 20 bytes; as a field element: its big-endian integer
  nonce: bigint; // u64
}

/** Canonical bytes of a statement: challenge (32, BE) ‖ address (20) ‖ nonce (8, BE). */
export function statementBytes(st: Statement): Uint8Array {
  return concatBytes(bigToBytesBE(st.challenge, 32), st.address, u64be(st.nonce));
}

export function circuitInputs(st: Statement): Record<string, bigint> {
  return { challenge: st.challenge, address: bytesToBigBE(st.address), nonce: st.nonce };
}

/**
 * (r, s) = hashToField("quarry/posw/rs" ‖ vkHash ‖ statement): each is 64 bytes of tagged
 * SHA-256 output (counters 0‖1 for r, 2‖3 for s) reduced mod r, so the bias is below 2^-250.
 */
export function canonicalBlinding(vkHash: Uint8Array, st: Statement): { r: bigint; s: bigint } {
  const base = concatBytes(tagPrefix('quarry/posw/rs'), vkHash, statementBytes(st));
  const wide = (i: number) => bytesToBigBE(concatBytes(sha256(base, new Uint8Array([i])), sha256(base, new Uint8Array([i + 1])))) % FR;
  return { r: wide(0), s: wide(2) };
}
