/**
 * Persistent, versioned state: the SMT's nodes and roots plus a flat index of the latest values
 * for fast reads during execution. Version = block height; version 0 is genesis.
 */
import { key, Prefix, WriteBatch, type Database } from '../store/db.ts';
import { Lru } from '../store/lru.ts';
import { u64be } from '../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { decodeNode, decodeRef, encodeNode, encodeRef } from './node-codec.ts';
import { getValue, proveKey, rootHash, updateTree, type NodeRef, type NodeSource, type SmtChange, type SmtNode } from './smt.ts';
import type { SmtProof } from '../../protocol/smt-verify.ts';
import { keyId } from './view.ts';

const nodeKey = (ref: NodeRef) => key(Prefix.smtNode, u64be(ref.version), ref.hash);
const cacheKey = (ref: NodeRef) => `${ref.version}:${Buffer.from(ref.hash).toString('latin1')}`;

export interface StateCommit {
  version: bigint;
  root: NodeRef | null;
  rootHash: Uint8Array;
  batch: WriteBatch;
  /** The flat values this commit writes (`committed` takes them into the read cache). */
  changes: SmtChange[];
}

export class StateDb implements NodeSource {
  private readonly cache = new Lru<string, SmtNode>(200_000);
  /**
   * Latest committed values (null: absent). Every block reads the same parameters, validator and
   * pool records, and each read was a LevelDB round trip (22 per empty block). Kept exact: a
   * commit writes its changes in, and a read that started before a commit never fills it.
   */
  private readonly values = new Lru<string, Uint8Array | null>(100_000);
  private commits = 0;
  /** The last committed version's root: every block's `prepare` starts from it (one read fewer). */
  private head: { version: bigint; root: NodeRef | null } | null = null;

  constructor(private readonly db: Database) {}

  async getNodes(refs: NodeRef[]): Promise<SmtNode[]> {
    const out: Array<SmtNode | undefined> = refs.map((r) => this.cache.get(cacheKey(r)));
    const missing = refs.map((_, i) => i).filter((i) => !out[i]);
    if (missing.length > 0) {
      const found = await this.db.getMany(missing.map((i) => nodeKey(refs[i]!)));
      missing.forEach((i, k) => {
        const bytes = found[k];
        if (!bytes) throw new QuarryError('E_STORE', `missing state node ${cacheKey(refs[i]!)} (pruned or corrupt store)`);
        const node = decodeNode(bytes);
        this.cache.set(cacheKey(refs[i]!), node);
        out[i] = node;
      });
    }
    return out as SmtNode[];
  }

  /** Latest committed value of a state key (flat index; no tree walk). */
  async latest(k: Uint8Array): Promise<Uint8Array | undefined> {
    return (await this.latestMany([k]))[0];
  }

  async latestMany(keys: Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    const ids = keys.map(keyId);
    const out: Array<Uint8Array | null | undefined> = ids.map((id) => this.values.get(id));
    const missing = out.flatMap((v, i) => (v === undefined ? [i] : []));
    if (missing.length === 0) return out.map((v) => v ?? undefined);
    const before = this.commits;
    const found = await this.db.getMany(missing.map((i) => key(Prefix.state, keys[i]!)));
    missing.forEach((i, j) => {
      out[i] = found[j] ?? null;
      if (this.commits === before) this.values.set(ids[i]!, out[i]);
    });
    return out.map((v) => v ?? undefined);
  }

  /** Called once a commit's batch is written: its values are now the latest. */
  committed(commit: StateCommit): void {
    this.commits++;
    this.head = { version: commit.version, root: commit.root };
    for (const c of commit.changes) this.values.set(keyId(c.key), c.value);
  }

  /** Root of the tree at a version; undefined when that version was never written or was pruned. */
  async rootAt(version: bigint): Promise<NodeRef | null | undefined> {
    if (this.head?.version === version) return this.head.root;
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
    for (const { ref, node } of update.created) {
      batch.put(nodeKey(ref), encodeNode(node));
      // safe even if this batch is never committed: nodes are immutable and keyed by content
      this.cache.set(cacheKey(ref), node);
    }
    // one record per version listing the nodes it made stale (version ‖ hash, 40 bytes each)
    const stale = new Uint8Array(40 * update.stale.length);
    update.stale.forEach((ref, i) => {
      stale.set(u64be(ref.version), 40 * i);
      stale.set(ref.hash, 40 * i + 8);
    });
    if (stale.length > 0) batch.put(key(Prefix.smtStale, u64be(version)), stale);
    batch.put(key(Prefix.smtRoot, u64be(version)), encodeRef(update.root));
    for (const c of changes) {
      if (c.value) batch.put(key(Prefix.state, c.key), c.value);
      else batch.del(key(Prefix.state, c.key));
    }
    return { version, root: update.root, rootHash: rootHash(update.root), batch, changes };
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
    for await (const [k, list] of this.db.range(start, end)) {
      batch.del(k);
      for (let at = 0; at < list.length; at += 40) batch.del(key(Prefix.smtNode, list.subarray(at, at + 40)));
      removed += list.length / 40;
    }
    for await (const [k] of this.db.range(key(Prefix.smtRoot), key(Prefix.smtRoot, u64be(keepFrom)))) batch.del(k);
    await this.db.write(batch);
    return removed;
  }
}
