/**
 * Sparse Merkle tree over 256-bit keys with compressed paths (the Diem/Aptos "Jellyfish" rule in
 * binary form): a subtree holding one leaf is represented by that leaf, so a path is only as deep
 * as needed to tell keys apart. Spec: docs/state.md.
 *
 *   empty    = 32 zero bytes
 *   leaf     = SHA-256(0x00 ‖ key ‖ SHA-256(value))
 *   internal = SHA-256(0x01 ‖ left ‖ right)
 *
 * Nodes are immutable and addressed by (version, hash): a batch update at version v writes only
 * the nodes on changed paths and reports the nodes it replaced, so old versions stay readable
 * until pruned. This module is pure: storage comes in through `NodeSource`.
 */
import { sha256, ZERO_HASH } from '../crypto/hash.ts';
import { compareBytes, equalBytes } from '../encoding/bytes.ts';
import type { SmtProof } from '../../client/smt-verify.ts';

export interface NodeRef {
  version: bigint;
  hash: Uint8Array;
  leaf: boolean;
}

export type SmtNode =
  | { kind: 'leaf'; key: Uint8Array; value: Uint8Array }
  | { kind: 'internal'; left: NodeRef | null; right: NodeRef | null };

export interface NodeSource {
  getNode(ref: NodeRef): Promise<SmtNode>;
}

export interface SmtChange {
  key: Uint8Array;
  value: Uint8Array | null; // null deletes
}

export interface SmtUpdate {
  root: NodeRef | null;
  created: Array<{ ref: NodeRef; node: SmtNode }>;
  stale: NodeRef[];
}

const LEAF = new Uint8Array([0]);
const INTERNAL = new Uint8Array([1]);

export function leafHash(key: Uint8Array, value: Uint8Array): Uint8Array {
  return sha256(LEAF, key, sha256(value));
}

export function internalHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(INTERNAL, left, right);
}

export function rootHash(root: NodeRef | null): Uint8Array {
  return root ? root.hash : ZERO_HASH;
}

export function bitAt(key: Uint8Array, depth: number): number {
  return (key[depth >> 3]! >> (7 - (depth & 7))) & 1;
}

interface Item {
  key: Uint8Array;
  value: Uint8Array;
  existing?: NodeRef; // an untouched leaf that only moves: reuse it, do not rewrite it
}

/** One batch update; create with the version being written, then call `apply` once. */
class Updater {
  readonly created: Array<{ ref: NodeRef; node: SmtNode }> = [];
  readonly stale: NodeRef[] = [];
  constructor(private readonly source: NodeSource, private readonly version: bigint) {}

  private newLeaf(key: Uint8Array, value: Uint8Array): NodeRef {
    const ref = { version: this.version, hash: leafHash(key, value), leaf: true };
    this.created.push({ ref, node: { kind: 'leaf', key, value } });
    return ref;
  }

  private combine(left: NodeRef | null, right: NodeRef | null): NodeRef | null {
    if (!left && !right) return null;
    if (!left && right!.leaf) return right; // hoist a lone leaf: paths stay compressed
    if (!right && left!.leaf) return left;
    const ref = { version: this.version, hash: internalHash(rootHash(left), rootHash(right)), leaf: false };
    this.created.push({ ref, node: { kind: 'internal', left, right } });
    return ref;
  }

  private build(depth: number, items: Item[]): NodeRef | null {
    if (items.length === 0) return null;
    if (items.length === 1) return items[0]!.existing ?? this.newLeaf(items[0]!.key, items[0]!.value);
    const split = splitIndex(items, depth);
    return this.combine(this.build(depth + 1, items.slice(0, split)), this.build(depth + 1, items.slice(split)));
  }

  async apply(ref: NodeRef | null, depth: number, changes: SmtChange[]): Promise<NodeRef | null> {
    if (changes.length === 0) return ref;
    if (!ref) return this.build(depth, liveItems(changes));
    const node = await this.source.getNode(ref);
    if (node.kind === 'leaf') {
      const overridden = changes.find((c) => equalBytes(c.key, node.key));
      if (overridden) {
        if (overridden.value && equalBytes(overridden.value, node.value) && changes.length === 1) return ref;
        this.stale.push(ref);
        return this.build(depth, liveItems(changes));
      }
      const items = liveItems(changes);
      if (items.length === 0) return ref;
      items.push({ key: node.key, value: node.value, existing: ref });
      items.sort((a, b) => compareBytes(a.key, b.key));
      return this.build(depth, items);
    }
    const split = splitIndex(changes, depth);
    const [left, right] = await Promise.all([
      this.apply(node.left, depth + 1, changes.slice(0, split)),
      this.apply(node.right, depth + 1, changes.slice(split)),
    ]);
    if (left === node.left && right === node.right) return ref;
    this.stale.push(ref);
    return this.combine(left, right);
  }
}

/** Items are sorted by key, so all keys with bit 0 at `depth` come first. */
function splitIndex(items: Array<{ key: Uint8Array }>, depth: number): number {
  let i = 0;
  while (i < items.length && bitAt(items[i]!.key, depth) === 0) i++;
  return i;
}

function liveItems(changes: SmtChange[]): Item[] {
  return changes.filter((c): c is Item => c.value !== null);
}

/** Applies a set of changes (keys must be unique) on top of `root`, writing nodes at `version`. */
export async function updateTree(source: NodeSource, root: NodeRef | null, version: bigint, changes: SmtChange[]): Promise<SmtUpdate> {
  const sorted = [...changes].sort((a, b) => compareBytes(a.key, b.key));
  for (let i = 1; i < sorted.length; i++) {
    if (equalBytes(sorted[i - 1]!.key, sorted[i]!.key)) throw new Error('duplicate key in SMT batch');
  }
  const updater = new Updater(source, version);
  const newRoot = await updater.apply(root, 0, sorted);
  return { root: newRoot, created: updater.created, stale: updater.stale };
}

/** Reads a value at the version `root` belongs to. */
export async function getValue(source: NodeSource, root: NodeRef | null, key: Uint8Array): Promise<Uint8Array | undefined> {
  let ref = root;
  for (let depth = 0; ref; depth++) {
    const node = await source.getNode(ref);
    if (node.kind === 'leaf') return equalBytes(node.key, key) ? node.value : undefined;
    ref = bitAt(key, depth) ? node.right : node.left;
  }
  return undefined;
}

/** Inclusion or non-inclusion proof for `key`; siblings run from the root downwards. */
export async function proveKey(source: NodeSource, root: NodeRef | null, key: Uint8Array): Promise<SmtProof> {
  const siblings: Uint8Array[] = [];
  let ref = root;
  for (let depth = 0; ref; depth++) {
    const node = await source.getNode(ref);
    if (node.kind === 'leaf') return { siblings, leaf: { key: node.key, valueHash: sha256(node.value) } };
    const bit = bitAt(key, depth);
    siblings.push(rootHash(bit ? node.left : node.right));
    ref = bit ? node.right : node.left;
  }
  return { siblings, leaf: null };
}
