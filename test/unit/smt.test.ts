import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getValue, proveKey, rootHash, updateTree, type NodeRef, type NodeSource, type SmtNode } from '../../node/state/smt.ts';
import { verifySmtProof } from '../../protocol/smt-verify.ts';
import { StateDb } from '../../node/state/state-db.ts';
import { Database } from '../../node/store/db.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { sha256 } from '../../node/crypto/hash.ts';
import { Rng } from '../helpers/rng.ts';
import { tempDir } from '../helpers/tmp.ts';

class MemSource implements NodeSource {
  readonly nodes = new Map<string, SmtNode>();
  async getNodes(refs: NodeRef[]): Promise<SmtNode[]> {
    return refs.map((ref) => {
      const n = this.nodes.get(`${ref.version}:${toHex(ref.hash)}`);
      if (!n) throw new Error('missing node');
      return n;
    });
  }
  add(created: Array<{ ref: NodeRef; node: SmtNode }>) {
    for (const { ref, node } of created) this.nodes.set(`${ref.version}:${toHex(ref.hash)}`, node);
  }
}

/** Keys sharing long prefixes exercise deep paths; some random keys keep the tree bushy. */
function randomKey(rng: Rng, pool: Uint8Array[]): Uint8Array {
  if (pool.length > 0 && rng.chance(0.3)) {
    const k = Uint8Array.from(rng.pick(pool));
    k[31] = k[31]! ^ (1 << rng.int(8));
    return k;
  }
  return rng.bytes(32);
}

async function rootOfMap(map: Map<string, { key: Uint8Array; value: Uint8Array }>): Promise<Uint8Array> {
  const src = new MemSource();
  const changes = [...map.values()].map((e) => ({ key: e.key, value: e.value }));
  const up = await updateTree(src, null, 1n, changes);
  return rootHash(up.root);
}

test('empty tree has the zero root and proves absence', async () => {
  const src = new MemSource();
  const key = sha256(new Uint8Array([1]));
  const proof = await proveKey(src, null, key);
  assert.deepEqual(verifySmtProof(new Uint8Array(32), key, null, proof), { ok: true, included: false });
});

test('SMT matches a plain map over random batches; proofs verify with the client verifier', async () => {
  for (const seed of [1, 2, 3]) {
    const rng = new Rng(seed);
    const src = new MemSource();
    const model = new Map<string, { key: Uint8Array; value: Uint8Array }>();
    const pool: Uint8Array[] = [];
    let root: NodeRef | null = null;
    for (let version = 1n; version <= 40n; version++) {
      const changes = new Map<string, { key: Uint8Array; value: Uint8Array | null }>();
      const n = 1 + rng.int(25);
      for (let i = 0; i < n; i++) {
        const del = pool.length > 0 && rng.chance(0.3);
        const key = del ? rng.pick(pool) : randomKey(rng, pool);
        changes.set(toHex(key), { key, value: del ? null : rng.bytes(1 + rng.int(40)) });
        if (!del) pool.push(key);
      }
      const up = await updateTree(src, root, version, [...changes.values()]);
      src.add(up.created);
      root = up.root;
      for (const [k, c] of changes) c.value ? model.set(k, { key: c.key, value: c.value }) : model.delete(k);
      // canonical: the incremental root equals the root built from scratch
      assert.deepEqual(rootHash(root), await rootOfMap(model), `seed ${seed} version ${version}`);
    }
    for (let i = 0; i < 60; i++) {
      const key = rng.chance(0.6) && pool.length ? rng.pick(pool) : randomKey(rng, pool);
      const expected = model.get(toHex(key))?.value;
      assert.deepEqual(await getValue(src, root, key), expected);
      const proof = await proveKey(src, root, key);
      const verdict = verifySmtProof(rootHash(root), key, expected ?? null, proof);
      assert.deepEqual(verdict, { ok: true, included: expected !== undefined }, `seed ${seed}`);
      // the same proof must not verify a different claim
      const lie = expected ? null : new Uint8Array([9]);
      assert.equal(verifySmtProof(rootHash(root), key, lie, proof).ok, false);
      if (expected) assert.equal(verifySmtProof(rootHash(root), key, new Uint8Array([...expected, 1]), proof).ok, false);
    }
  }
});

test('tampered proofs are rejected', async () => {
  const rng = new Rng(7);
  const src = new MemSource();
  const keys = Array.from({ length: 50 }, () => rng.bytes(32));
  const up = await updateTree(src, null, 1n, keys.map((key) => ({ key, value: key.slice(0, 4) })));
  src.add(up.created);
  const root = rootHash(up.root);
  const key = keys[3]!;
  const proof = await proveKey(src, up.root, key);
  assert.equal(verifySmtProof(root, key, key.slice(0, 4), proof).ok, true);
  const flipped = { ...proof, siblings: proof.siblings.map((s, i) => (i === 0 ? Uint8Array.from(s, (b, j) => (j === 0 ? b ^ 1 : b)) : s)) };
  assert.equal(verifySmtProof(root, key, key.slice(0, 4), flipped).ok, false);
  const short = { ...proof, siblings: proof.siblings.slice(1) };
  assert.equal(verifySmtProof(root, key, key.slice(0, 4), short).ok, false);
  // a leaf of another key that is not on the path cannot prove absence
  const other = await proveKey(src, up.root, keys[4]!);
  assert.equal(verifySmtProof(root, key, null, other).ok, false);
});

test('StateDb on LevelDB: versions stay readable, pruning keeps recent versions intact', async () => {
  const dir = tempDir();
  const db = await Database.open(dir.path);
  try {
    const state = new StateDb(db);
    const rng = new Rng(11);
    const keys = Array.from({ length: 30 }, () => rng.bytes(32));
    const history: Array<Map<string, Uint8Array>> = [];
    const model = new Map<string, Uint8Array>();
    for (let v = 0n; v < 12n; v++) {
      const changes = keys.filter(() => rng.chance(0.4)).map((key) => ({ key, value: rng.chance(0.2) ? null : rng.bytes(8) }));
      const commit = await state.prepare(v === 0n ? null : v - 1n, v, changes);
      await db.write(commit.batch);
      state.committed(commit);
      for (const c of changes) c.value ? model.set(toHex(c.key), c.value) : model.delete(toHex(c.key));
      history.push(new Map(model));
      for (const k of keys) assert.deepEqual(await state.latest(k), model.get(toHex(k)));
    }
    const removed = await state.prune(8n);
    assert.ok(removed > 0, 'pruning removed stale nodes');
    for (let v = 8; v < 12; v++) {
      for (const k of keys) {
        const expected = history[v]!.get(toHex(k));
        assert.deepEqual(await state.getAt(BigInt(v), k), expected);
        const proof = await state.prove(BigInt(v), k);
        assert.equal(verifySmtProof(await state.rootHashAt(BigInt(v)), k, expected ?? null, proof).ok, true);
      }
    }
    await assert.rejects(state.getAt(3n, keys[0]!), /no state at height 3/);
  } finally {
    await db.close();
    dir.cleanup();
  }
});

test('StateDb read cache: exact after each commit, untouched by prepared batches, never filled by a read a commit overtook', async () => {
  const dir = tempDir();
  const db = await Database.open(dir.path);
  try {
    const state = new StateDb(db);
    const [a, b] = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const write = async (v: bigint, changes: Array<{ key: Uint8Array; value: Uint8Array | null }>) => {
      const commit = await state.prepare(v === 0n ? null : v - 1n, v, changes);
      await db.write(commit.batch);
      state.committed(commit);
    };
    await write(0n, [{ key: a, value: Uint8Array.of(1) }]);
    assert.deepEqual(await state.latest(a), Uint8Array.of(1));
    assert.equal(await state.latest(b), undefined, 'absent, and the absence is cached');

    await state.prepare(0n, 1n, [{ key: a, value: Uint8Array.of(9) }]); // a proposal never decided
    assert.deepEqual(await state.latest(a), Uint8Array.of(1), 'a prepared batch changes nothing');

    await write(1n, [{ key: a, value: null }, { key: b, value: Uint8Array.of(2) }]);
    assert.deepEqual(await state.latestMany([a, b]), [undefined, Uint8Array.of(2)], 'a delete and a cached absence both follow the commit');

    // a read that misses the cache and resolves only after a commit of the same key
    const d = new Uint8Array(32).fill(4);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const getMany = db.getMany.bind(db);
    db.getMany = async (keys) => {
      const found = await getMany(keys);
      await gate;
      return found;
    };
    const overtaken = state.latest(d);
    db.getMany = getMany;
    await write(2n, [{ key: d, value: Uint8Array.of(4) }]);
    release();
    assert.equal(await overtaken, undefined, 'the overtaken read answers what it read');
    assert.deepEqual(await state.latest(d), Uint8Array.of(4), 'but does not cache it over the commit');
  } finally {
    await db.close();
    dir.cleanup();
  }
});
