/**
 * Binary Merkle root over a list (RFC 6962 shape): leaf = H(0x00 ‖ item), node = H(0x01 ‖ l ‖ r),
 * the split point is the largest power of two below n, and the empty list hashes to H("").
 * Used for txRoot, solutionsRoot and evidenceRoot.
 */
import { sha256 } from './hash.ts';

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

export function merkleRoot(items: Uint8Array[]): Uint8Array {
  if (items.length === 0) return sha256();
  return subtree(items.map((i) => sha256(LEAF, i)), 0, items.length);
}

function subtree(leaves: Uint8Array[], from: number, to: number): Uint8Array {
  const n = to - from;
  if (n === 1) return leaves[from]!;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return sha256(NODE, subtree(leaves, from, from + k), subtree(leaves, from + k, to));
}
