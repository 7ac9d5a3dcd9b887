/**
 * Binary storage encoding of SMT nodes (not consensus-critical: only hashes are).
 *   leaf:     0x00 ‖ key(32) ‖ value
 *   internal: 0x01 ‖ flags ‖ [version(8) ‖ hash(32)] for each present child
 * flags: bit0 left present, bit1 left is a leaf, bit2 right present, bit3 right is a leaf.
 */
import { readU64be, u64be } from '../../protocol/encoding/bytes.ts';
import type { NodeRef, SmtNode } from './smt.ts';

export function encodeNode(node: SmtNode): Uint8Array {
  if (node.kind === 'leaf') {
    const out = new Uint8Array(33 + node.value.length);
    out[0] = 0;
    out.set(node.key, 1);
    out.set(node.value, 33);
    return out;
  }
  const { left, right } = node;
  const flags = (left ? 1 : 0) | (left?.leaf ? 2 : 0) | (right ? 4 : 0) | (right?.leaf ? 8 : 0);
  const out = new Uint8Array(2 + (left ? 40 : 0) + (right ? 40 : 0));
  out[0] = 1;
  out[1] = flags;
  let at = 2;
  for (const child of [left, right]) {
    if (!child) continue;
    out.set(u64be(child.version), at);
    out.set(child.hash, at + 8);
    at += 40;
  }
  return out;
}

export function decodeNode(bytes: Uint8Array): SmtNode {
  if (bytes[0] === 0) return { kind: 'leaf', key: bytes.slice(1, 33), value: bytes.slice(33) };
  const flags = bytes[1]!;
  let at = 2;
  const child = (present: boolean, leaf: boolean): NodeRef | null => {
    if (!present) return null;
    const ref = { version: readU64be(bytes, at), hash: bytes.slice(at + 8, at + 40), leaf };
    at += 40;
    return ref;
  };
  const left = child((flags & 1) !== 0, (flags & 2) !== 0);
  const right = child((flags & 4) !== 0, (flags & 8) !== 0);
  return { kind: 'internal', left, right };
}

export function encodeRef(ref: NodeRef | null): Uint8Array {
  if (!ref) return new Uint8Array([0]);
  const out = new Uint8Array(41);
  out[0] = ref.leaf ? 2 : 1;
  out.set(u64be(ref.version), 1);
  out.set(ref.hash, 9);
  return out;
}

export function decodeRef(bytes: Uint8Array): NodeRef | null {
  if (bytes[0] === 0) return null;
  return { version: readU64be(bytes, 1), hash: bytes.slice(9, 41), leaf: bytes[0] === 2 };
}
