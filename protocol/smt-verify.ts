/**
 * Standalone verifier for Quarry state proofs (docs/state.md). It depends only on @noble/hashes,
 * so light clients and browsers can use it without the node.
 */
import { sha256 } from '@noble/hashes/sha2.js';

export interface SmtProof {
  /** Sibling hashes from the root down to the terminal position. */
  siblings: Uint8Array[];
  /** The leaf found at the terminal position, or null for an empty subtree. */
  leaf: { key: Uint8Array; valueHash: Uint8Array } | null;
}

export type SmtVerdict =
  | { ok: true; included: boolean }
  | { ok: false; reason: string };

const ZERO = new Uint8Array(32);

function eq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function bit(key: Uint8Array, depth: number): number {
  return (key[depth >> 3]! >> (7 - (depth & 7))) & 1;
}

function hashParts(...parts: Uint8Array[]): Uint8Array {
  const h = sha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}

function sharesPrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let d = 0; d < bits; d++) if (bit(a, d) !== bit(b, d)) return false;
  return true;
}

/**
 * Verifies that `key` maps to `value` (or, with value null, that `key` is absent) in the tree
 * whose root hash is `root`.
 */
export function verifySmtProof(root: Uint8Array, key: Uint8Array, value: Uint8Array | null, proof: SmtProof): SmtVerdict {
  if (key.length !== 32 || root.length !== 32) return { ok: false, reason: 'key and root must be 32 bytes' };
  const depth = proof.siblings.length;
  if (depth > 256 || proof.siblings.some((s) => s.length !== 32)) return { ok: false, reason: 'malformed siblings' };
  let node: Uint8Array;
  let included = false;
  if (proof.leaf) {
    const { key: leafKey, valueHash } = proof.leaf;
    if (leafKey.length !== 32 || valueHash.length !== 32) return { ok: false, reason: 'malformed leaf' };
    if (!sharesPrefix(leafKey, key, depth)) return { ok: false, reason: 'leaf is not on the path of the key' };
    included = eq(leafKey, key);
    if (included && value === null) return { ok: false, reason: 'proof shows the key is present' };
    if (included && !eq(hashParts(value!), valueHash)) return { ok: false, reason: 'value does not match the proven leaf' };
    node = hashParts(new Uint8Array([0]), leafKey, valueHash);
  } else {
    node = ZERO;
  }
  if (!included && value !== null) return { ok: false, reason: 'proof shows the key is absent' };
  for (let d = depth - 1; d >= 0; d--) {
    const sib = proof.siblings[d]!;
    node = bit(key, d) ? hashParts(new Uint8Array([1]), sib, node) : hashParts(new Uint8Array([1]), node, sib);
  }
  if (!eq(node, root)) return { ok: false, reason: 'computed root does not match' };
  return { ok: true, included };
}
