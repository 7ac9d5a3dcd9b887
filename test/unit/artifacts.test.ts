/**
 * The artifact store's keep/stage rule (docs/market.md §artifacts) on a real directory: uploads no
 * registered circuit names are staged under count and byte caps, oldest out first; registered ones
 * are kept, pending ones held; a full staging area refuses without changing anything. And which
 * hashes a real chain and a pending transaction name.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { ArtifactStore, type ArtifactRef, type StagingLimits } from '../../node/market/artifacts.ts';
import { sha256 } from '../../node/crypto/hash.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { artifactRefs } from '../../node/market/references.ts';
import { decodeTx } from '../../node/tx/tx.ts';

import { tempDir } from '../helpers/tmp.ts';
import { makeTx, openTestChain } from '../helpers/chain.ts';
import { PREIMAGE } from '../helpers/market.ts';

const blob = (label: string, size = 100) => new TextEncoder().encode(label.padEnd(size, '.'));
const hashOf = (b: Uint8Array) => toHex(sha256(b));
const limits: StagingLimits = { maxFiles: 3, maxBytes: 1000 };
const code = (f: () => unknown) => {
  try {
    f();
    return 'OK';
  } catch (err) {
    return err instanceof QuarryError ? err.code : String(err);
  }
};

/** A reference table the test edits: hash → registered/pending. */
function refTable() {
  const table = new Map<string, ArtifactRef>();
  return { table, refs: (h: string) => table.get(h) ?? null };
}

test('unreferenced uploads are staged under the count cap, oldest evicted first', () => {
  const dir = tempDir();
  try {
    const store = new ArtifactStore(dir.path);
    const { refs } = refTable();
    const junk = [0, 1, 2, 3, 4].map((i) => blob(`junk-${i}`));
    for (const j of junk) store.put(j, refs, limits);
    assert.deepEqual(store.staging, { files: 3, bytes: 300 });
    for (const [i, j] of junk.entries()) assert.equal(store.get(hashOf(j)) !== undefined, i >= 2, `junk ${i}`);
    assert.equal(store.put(junk[4]!, refs, limits), hashOf(junk[4]!), 'an upload already staged is a no-op');
    assert.deepEqual(store.staging, { files: 3, bytes: 300 });
  } finally {
    dir.cleanup();
  }
});

test('the byte cap evicts as many old uploads as a new one needs; one larger than the cap is refused', () => {
  const dir = tempDir();
  try {
    const store = new ArtifactStore(dir.path);
    const { refs } = refTable();
    const [a, b, c] = [blob('a', 400), blob('b', 400), blob('c', 700)];
    store.put(a, refs, limits);
    store.put(b, refs, limits);
    store.put(c, refs, limits);
    assert.equal(store.get(hashOf(a)), undefined);
    assert.equal(store.get(hashOf(b)), undefined, 'both older uploads made room for 700 bytes');
    assert.deepEqual(store.staging, { files: 1, bytes: 700 });
    assert.equal(code(() => store.put(blob('big', 1001), refs, limits)), 'E_TOO_LARGE');
    assert.deepEqual(store.staging, { files: 1, bytes: 700 });
  } finally {
    dir.cleanup();
  }
});

test('a registered artifact is kept (even above the staging caps) and a staged one is promoted, never evicted', () => {
  const dir = tempDir();
  try {
    const store = new ArtifactStore(dir.path);
    const { table, refs } = refTable();
    const wasm = blob('wasm');
    store.put(wasm, refs, limits); // uploaded before its circuit registers: staged
    table.set(hashOf(wasm), 'registered'); // the register-circuit committed
    const zkey = blob('zkey', 5000);
    table.set(hashOf(zkey), 'registered');
    store.put(zkey, refs, limits); // larger than the staging byte cap, but registered
    for (let i = 0; i < 6; i++) store.put(blob(`flood-${i}`), refs, limits);
    table.clear(); // kept files no longer consult the table
    for (let i = 6; i < 12; i++) store.put(blob(`flood-${i}`), refs, limits);
    assert.deepEqual(store.get(hashOf(wasm)), wasm);
    assert.deepEqual(store.get(hashOf(zkey)), zkey);
    assert.equal(existsSync(join(dir.path, hashOf(wasm))), true, 'promoted out of staging');
    assert.deepEqual(store.staging, { files: 3, bytes: 300 });
  } finally {
    dir.cleanup();
  }
});

test('artifacts a pending register-circuit names are held; when they fill the area, uploads are refused and nothing changes', () => {
  const dir = tempDir();
  try {
    const store = new ArtifactStore(dir.path);
    const { table, refs } = refTable();
    const held = [0, 1, 2].map((i) => blob(`held-${i}`));
    for (const h of held) store.put(h, refs, limits);
    for (const h of held.slice(0, 2)) table.set(hashOf(h), 'pending');
    store.put(blob('next'), refs, limits);
    assert.equal(store.get(hashOf(held[2]!)), undefined, 'the unreferenced one went');
    table.set(hashOf(blob('next')), 'pending');
    assert.equal(code(() => store.put(blob('refused'), refs, limits)), 'E_UNAVAILABLE');
    assert.equal(store.get(hashOf(blob('refused'))), undefined);
    assert.deepEqual(store.staging, { files: 3, bytes: 300 });
    for (const h of held.slice(0, 2)) assert.deepEqual(store.get(hashOf(h)), h);
    table.clear(); // the transactions left the mempool without registering
    store.put(blob('refused'), refs, limits);
    assert.equal(store.get(hashOf(held[0]!)), undefined);
  } finally {
    dir.cleanup();
  }
});

test('staged uploads survive a restart in their order; reads stream the stored bytes', async () => {
  const dir = tempDir();
  try {
    const { refs } = refTable();
    const first = new ArtifactStore(dir.path);
    const files = [0, 1, 2].map((i) => blob(`old-${i}`));
    files.forEach((f, i) => {
      first.put(f, refs, limits);
      utimesSync(join(dir.path, 'staged', hashOf(f)), 1000 + i, 1000 + i); // explicit order, whatever the clock's resolution
    });
    const second = new ArtifactStore(dir.path);
    assert.deepEqual(second.staging, { files: 3, bytes: 300 });
    second.put(blob('new'), refs, limits);
    assert.equal(second.get(hashOf(files[0]!)), undefined, 'the oldest went first after the restart');
    const opened = await second.open(hashOf(files[2]!));
    assert.equal(opened?.size, 100);
    assert.equal(await text(opened!.stream), new TextDecoder().decode(files[2]));
    assert.equal(await second.open(hashOf(files[0]!)), undefined);
    assert.equal(code(() => second.get('AB'.repeat(32))), 'E_BAD_REQUEST');
  } finally {
    dir.cleanup();
  }
});

test('artifact references: registered circuits (genesis and later) and register-circuit transactions still pending', async () => {
  const t = await openTestChain({ users: 1 });
  try {
    const user = t.users[0]!;
    const [wasm, zkey, pendingWasm, pendingZkey] = ['wasm', 'zkey', 'pending-wasm', 'pending-zkey'].map((s) => sha256(blob(s)));
    const register = (name: string, wasmHash: Uint8Array, zkeyHash: Uint8Array) =>
      ({ type: 'market/register-circuit', name, vk: PREIMAGE.vk, wasmHash, zkeyHash, nOutputs: PREIMAGE.nOutputs, publicInputs: PREIMAGE.publicInputs }) as AnyMsg;
    const block = await t.produce([makeTx(user, [register('committed', wasm!, zkey!)], { sequence: 0n, fee: 1_000_000n })]);
    assert.equal(block.exec.receipts[0]?.code, 'OK');
    const pending = decodeTx(makeTx(user, [register('pending', pendingWasm!, pendingZkey!)], { sequence: 1n, fee: 1_000_000n }));
    const refs = await artifactRefs(t.chain.latestState, [pending]);
    for (const h of [wasm!, zkey!, PREIMAGE.wasmHash, PREIMAGE.zkeyHash]) assert.equal(refs(toHex(h)), 'registered');
    for (const h of [pendingWasm!, pendingZkey!]) assert.equal(refs(toHex(h)), 'pending');
    assert.equal(refs(hashOf(blob('nobody'))), null);
  } finally {
    await t.close();
  }
});
