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
 * until pruned. A batch first loads every node on the touched paths, one tree level per storage
 * round trip, then rebuilds synchronously. Pure: storage comes in through `NodeSource`.
 */
import { sha256, ZERO_HASH } from '../crypto/hash.ts';
import { compareBytes, equalBytes } from '../../protocol/encoding/bytes.ts';
import type { SmtProof } from '../../protocol/smt-verify.ts';

export interface NodeRef {
  version: bigint;
  hash: Uint8Array;
  leaf: boolean;
}

export type SmtNode =
  | { kind: 'leaf'; key: Uint8Array; value: Uint8Array }
  | { kind: 'internal'; left: NodeRef | null; right: NodeRef | null };

export interface NodeSource {
  /** Loads the nodes behind `refs`, in order; throws if one is missing. */
  getNodes(refs: NodeRef[]): Promise<SmtNode[]>;
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

const scratch = Buffer.alloc(65);

export function leafHash(key: Uint8Array, value: Uint8Array): Uint8Array {
  scratch[0] = 0;
  scratch.set(key, 1);
  scratch.set(sha256(value), 33);
  return sha256(scratch);
}

export function internalHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  scratch[0] = 1;
  scratch.set(left, 1);
  scratch.set(right, 33);
  return sha256(scratch);
}

export function rootHash(root: NodeRef | null): Uint8Array {
  return root ? root.hash : ZERO_HASH;
}

export function bitAt(key: Uint8Array, depth: number): number {
  return (key[depth >> 3]! >> (7 - (depth & 7))) & 1;
}

/** Within one tree a hash names one subtree, so it identifies a loaded node. */
const refId = (ref: NodeRef) => Buffer.from(ref.hash.buffer, ref.hash.byteOffset, 32).toString('latin1');

/** First index in [lo, hi) whose key has bit 1 at `depth` (keys are sorted). */
function splitAt(keys: Array<{ key: Uint8Array }>, lo: number, hi: number, depth: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bitAt(keys[mid]!.key, depth) === 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Loads every node on the paths of `keys`, level by level (one storage round trip per level). */
async function loadPaths(source: NodeSource, root: NodeRef | null, keys: SmtChange[]): Promise<Map<string, SmtNode>> {
  const loaded = new Map<string, SmtNode>();
  let frontier = root && keys.length ? [{ ref: root, depth: 0, lo: 0, hi: keys.length }] : [];
  while (frontier.length > 0) {
    const nodes = await source.getNodes(frontier.map((f) => f.ref));
    const next: typeof frontier = [];
    frontier.forEach((f, i) => {
      const node = nodes[i]!;
      loaded.set(refId(f.ref), node);
      if (node.kind === 'leaf') return;
      const mid = splitAt(keys, f.lo, f.hi, f.depth);
      if (node.left && mid > f.lo) next.push({ ref: node.left, depth: f.depth + 1, lo: f.lo, hi: mid });
      if (node.right && f.hi > mid) next.push({ ref: node.right, depth: f.depth + 1, lo: mid, hi: f.hi });
    });
    frontier = next;
  }
  return loaded;
}

interface Item {
  key: Uint8Array;
  value: Uint8Array;
  existing?: NodeRef; // an untouched leaf that only moves: reuse it, do not rewrite it
}

/** One synchronous batch update over nodes already loaded. */
class Updater {
  readonly created: Array<{ ref: NodeRef; node: SmtNode }> = [];
  readonly stale: NodeRef[] = [];
  constructor(private readonly loaded: Map<string, SmtNode>, private readonly changes: SmtChange[], private readonly version: bigint) {}

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

  private build(depth: number, items: Item[], lo: number, hi: number): NodeRef | null {
    if (lo === hi) return null;
    if (hi - lo === 1) return items[lo]!.existing ?? this.newLeaf(items[lo]!.key, items[lo]!.value);
    const mid = splitAt(items, lo, hi, depth);
    return this.combine(this.build(depth + 1, items, lo, mid), this.build(depth + 1, items, mid, hi));
  }

  private live(lo: number, hi: number): Item[] {
    const out: Item[] = [];
    for (let i = lo; i < hi; i++) {
      const c = this.changes[i]!;
      if (c.value) out.push({ key: c.key, value: c.value });
    }
    return out;
  }

  apply(ref: NodeRef | null, depth: number, lo: number, hi: number): NodeRef | null {
    if (lo === hi) return ref;
    if (!ref) {
      const items = this.live(lo, hi);
      return this.build(depth, items, 0, items.length);
    }
    const node = this.loaded.get(refId(ref))!;
    if (node.kind === 'leaf') return this.applyAtLeaf(ref, node, depth, lo, hi);
    const mid = splitAt(this.changes, lo, hi, depth);
    const left = this.apply(node.left, depth + 1, lo, mid);
    const right = this.apply(node.right, depth + 1, mid, hi);
    if (left === node.left && right === node.right) return ref;
    this.stale.push(ref);
    return this.combine(left, right);
  }

  private applyAtLeaf(ref: NodeRef, leaf: { key: Uint8Array; value: Uint8Array }, depth: number, lo: number, hi: number): NodeRef | null {
    let overridden: SmtChange | undefined;
    for (let i = lo; i < hi && !overridden; i++) if (equalBytes(this.changes[i]!.key, leaf.key)) overridden = this.changes[i];
    const items = this.live(lo, hi);
    if (overridden) {
      if (hi - lo === 1 && overridden.value && equalBytes(overridden.value, leaf.value)) return ref;
      this.stale.push(ref);
    } else {
      if (items.length === 0) return ref;
      items.push({ key: leaf.key, value: leaf.value, existing: ref });
      items.sort((a, b) => compareBytes(a.key, b.key));
    }
    return this.build(depth, items, 0, items.length);
  }
}

/** Applies a set of changes (keys must be unique) on top of `root`, writing nodes at `version`. */
export async function updateTree(source: NodeSource, root: NodeRef | null, version: bigint, changes: SmtChange[]): Promise<SmtUpdate> {
  const sorted = [...changes].sort((a, b) => compareBytes(a.key, b.key));
  for (let i = 1; i < sorted.length; i++) {
    if (equalBytes(sorted[i - 1]!.key, sorted[i]!.key)) throw new Error('duplicate key in SMT batch');
  }
  const loaded = await loadPaths(source, root, sorted);
  const updater = new Updater(loaded, sorted, version);
  const newRoot = updater.apply(root, 0, 0, sorted.length);
  return { root: newRoot, created: updater.created, stale: updater.stale };
}

/** Reads a value at the version `root` belongs to. */
export async function getValue(source: NodeSource, root: NodeRef | null, key: Uint8Array): Promise<Uint8Array | undefined> {
  let ref = root;
  for (let depth = 0; ref; depth++) {
    const [node] = await source.getNodes([ref]);
    if (node!.kind === 'leaf') return equalBytes(node!.key, key) ? node!.value : undefined;
    ref = bitAt(key, depth) ? node!.right : node!.left;
  }
  return undefined;
}

/** Inclusion or non-inclusion proof for `key`; siblings run from the root downwards. */
export async function proveKey(source: NodeSource, root: NodeRef | null, key: Uint8Array): Promise<SmtProof> {
  const siblings: Uint8Array[] = [];
  let ref = root;
  for (let depth = 0; ref; depth++) {
    const [node] = await source.getNodes([ref]);
    if (node!.kind === 'leaf') return { siblings, leaf: { key: node!.key, valueHash: sha256(node!.value) } };
    const bit = bitAt(key, depth);
    siblings.push(rootHash(bit ? node!.left : node!.right));
    ref = bit ? node!.right : node!.left;
  }
  return { siblings, leaf: null };
}
