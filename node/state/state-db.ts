/**
 * Persistent, versioned state: the SMT's nodes and roots plus a flat index of the latest values
 * for fast reads during execution. Version = block height; version 0 is genesis.
 */
import { key, Prefix, WriteBatch, type Database } from '../store/db.ts';
import { Lru } from '../store/lru.ts';
import { u64be, toHex } from '../encoding/bytes.ts';
import { QuarryError } from '../errors.ts';
import { decodeNode, decodeRef, encodeNode, encodeRef } from './node-codec.ts';
import { getValue, proveKey, rootHash, updateTree, type NodeRef, type NodeSource, type SmtChange, type SmtNode } from './smt.ts';
import type { SmtProof } from '../../client/smt-verify.ts';

const nodeKey = (ref: NodeRef) => key(Prefix.smtNode, u64be(ref.version), ref.hash);
const cacheKey = (ref: NodeRef) => `${ref.version}:${toHex(ref.hash)}`;

export interface StateCommit {
  root: NodeRef | null;
  rootHash: Uint8Array;
  batch: WriteBatch;
}

export class StateDb implements NodeSource {
  private readonly cache = new Lru<string, SmtNode>(200_000);

  constructor(private readonly db: Database) {}

  async getNode(ref: NodeRef): Promise<SmtNode> {
    const ck = cacheKey(ref);
    const hit = this.cache.get(ck);
    if (hit) return hit;
    const bytes = await this.db.get(nodeKey(ref));
    if (!bytes) throw new QuarryError('E_STORE', `missing state node ${ck} (pruned or corrupt store)`);
    const node = decodeNode(bytes);
    this.cache.set(ck, node);
    return node;
  }

  /** Latest committed value of a state key (flat index; no tree walk). */
  async latest(k: Uint8Array): Promise<Uint8Array | undefined> {
    return this.db.get(key(Prefix.state, k));
  }

  /** Root of the tree at a version; undefined when that version was never written or was pruned. */
  async rootAt(version: bigint): Promise<NodeRef | null | undefined> {
    const bytes = await this.db.get(key(Prefix.smtRoot, u64be(version)));
    return bytes ? decodeRef(bytes) : undefined;
  }

  private async requireRoot(version: bigint): Promise<NodeRef | null> {
    const root = await this.rootAt(version);
    if (root === undefined) throw new QuarryError('E_NOT_FOUND', `no state at height ${version} (not written or pruned)`);
    return root;
  }

  /**
   * Computes the next version's root from `changes` on top of `baseVersion` and returns the
   * batch that persists it; nothing is written until the caller commits the batch.
   */
  async prepare(baseVersion: bigint | null, version: bigint, changes: SmtChange[]): Promise<StateCommit> {
    const base = baseVersion === null ? null : await this.requireRoot(baseVersion);
    const update = await updateTree(this, base, version, changes);
    const batch = new WriteBatch();
    for (const { ref, node } of update.created) batch.put(nodeKey(ref), encodeNode(node));
    for (const ref of update.stale) batch.put(key(Prefix.smtStale, u64be(version), u64be(ref.version), ref.hash), new Uint8Array(0));
    batch.put(key(Prefix.smtRoot, u64be(version)), encodeRef(update.root));
    for (const c of changes) {
      if (c.value) batch.put(key(Prefix.state, c.key), c.value);
      else batch.del(key(Prefix.state, c.key));
    }
    return { root: update.root, rootHash: rootHash(update.root), batch };
  }

  async getAt(version: bigint, k: Uint8Array): Promise<Uint8Array | undefined> {
    return getValue(this, await this.requireRoot(version), k);
  }

  async prove(version: bigint, k: Uint8Array): Promise<SmtProof> {
    return proveKey(this, await this.requireRoot(version), k);
  }

  async rootHashAt(version: bigint): Promise<Uint8Array> {
    return rootHash(await this.requireRoot(version));
  }

  /**
   * Deletes the nodes that only versions below `keepFrom` used, and those versions' roots.
   * Returns the number of nodes removed.
   */
  async prune(keepFrom: bigint): Promise<number> {
    const batch = new WriteBatch();
    let removed = 0;
    const start = key(Prefix.smtStale);
    const end = key(Prefix.smtStale, u64be(keepFrom + 1n));
    for await (const [k] of this.db.range(start, end)) {
      batch.del(k);
      batch.del(key(Prefix.smtNode, k.slice(9)));
      removed++;
    }
    for await (const [k] of this.db.range(key(Prefix.smtRoot), key(Prefix.smtRoot, u64be(keepFrom)))) batch.del(k);
    await this.db.write(batch);
    return removed;
  }
}
