/**
 * Epoch proofs fetched from peers (docs/epochs.md §serving): what a node keeps, skips and whom it
 * penalizes. The peers and the o1js verifier are test doubles at the edge; the real fetch and
 * verification run in test/integration/epoch-proofs.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EpochProofStore } from '../../node/epoch/proof-store.ts';
import { EpochProofSync, judgeFetched, type PeerSource } from '../../node/epoch/proof-sync.ts';
import type { EpochProofVerifier } from '../../node/epoch/verifier.ts';
import type { EpochFacts } from '../../node/modules/epoch/view.ts';
import { createLogger } from '../../node/log.ts';
import { tempDir } from '../helpers/tmp.ts';

const VK = { data: 'vk-data', hash: '123' };
const FACTS: Record<string, EpochFacts> = {
  '0': { genesisId: 7n, commitment: 10n, maxSize: 4, complete: true },
  '1': { genesisId: 7n, commitment: 11n, maxSize: 4, complete: true },
  '2': { genesisId: 7n, commitment: 12n, maxSize: 4, complete: true },
  '3': { genesisId: 7n, commitment: 13n, maxSize: 4, complete: false },
};
const facts = async (e: bigint): Promise<EpochFacts | null> => FACTS[e.toString()] ?? null;

function stored(epoch: number, over: { output?: string[]; maxSize?: number; vk?: typeof VK } = {}) {
  const proof = { publicInput: [], publicOutput: over.output ?? ['7', String(epoch), String(10 + epoch)], maxProofsVerified: 2, proof: 'p' };
  return { epoch: String(epoch), maxSize: over.maxSize ?? 4, vk: over.vk ?? VK, proof };
}
const bytes = (v: unknown): Uint8Array => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

test('a fetched proof is kept only when it is newer, complete here, under the pinned key, and proves this chain', async () => {
  const judge = (v: unknown, after = 0n) => judgeFetched(bytes(v), after, VK.hash, facts);
  assert.ok('take' in (await judge(stored(2))));
  assert.ok('skip' in (await judge(stored(1), 1n)), 'not newer: the peer is behind, no offence');
  assert.ok('skip' in (await judge(stored(3))), 'the handoff is not complete here yet');
  assert.ok('skip' in (await judge(stored(9))), 'an epoch this node has not reached');
  assert.match(JSON.stringify(await judge('{"epoch":')), /malformed/);
  assert.match(JSON.stringify(await judge({ ...stored(2), epoch: '02' })), /malformed/);
  assert.match(JSON.stringify(await judge({ ...stored(2), vk: null })), /malformed/);
  assert.match(JSON.stringify(await judge(stored(2, { maxSize: 16 }))), /offense.*16 slots/);
  assert.match(JSON.stringify(await judge(stored(2, { vk: { data: 'other', hash: '999' } }))), /offense.*another verification key/);
  assert.match(JSON.stringify(await judge(stored(2, { output: ['8', '2', '12'] }))), /offense.*not of this chain/, 'another genesis');
  assert.match(JSON.stringify(await judge(stored(2, { output: ['7', '1', '11'] }))), /offense.*not of this chain/, 'another epoch than it claims');
  assert.match(JSON.stringify(await judge(stored(2, { output: ['7', '2', '99'] }))), /offense.*not of this chain/, 'another set');
  assert.match(JSON.stringify(await judge(stored(2, { output: ['7', '2'] }))), /offense.*wrong shape/);
});

function harness(answers: Record<string, unknown>, fault: 'key' | 'proof' | null = null) {
  const dir = tempDir();
  const store = new EpochProofStore(dir.path);
  const penalties: string[] = [];
  const asked: string[] = [];
  const net: PeerSource = {
    peers: () => Object.keys(answers),
    epochProof: async (peer) => {
      asked.push(peer);
      const a = answers[peer];
      if (a instanceof Error) throw a;
      return a === null ? null : bytes(a);
    },
    penalize: (peer, points, reason) => penalties.push(`${peer} ${points} ${reason}`),
  };
  let verified = 0;
  const verifier = { fault: async () => (verified++, fault), close: async () => undefined } as unknown as EpochProofVerifier;
  const log = createLogger({ level: 'silent', format: 'json' });
  const sync = new EpochProofSync({ store, network: () => net, facts, vkHash: () => VK.hash, verifier, log, intervalMs: 1000 });
  return { store, sync, penalties, asked, verifiedCount: () => verified, cleanup: dir.cleanup };
}

test('a round takes the first good proof among its peers and penalizes only those that served a bad one', async () => {
  const h = harness({ silent: null, broken: new Error('timeout'), liar: stored(2, { output: ['7', '2', '99'] }), good: stored(2), later: stored(2) });
  await h.sync.round();
  assert.equal(h.store.latest(), null);
  assert.deepEqual(h.asked, ['silent', 'broken', 'liar'], 'three peers a round');
  assert.deepEqual(h.penalties, ['liar 20 served a proof that is not of this chain\'s epoch 2']);
  await h.sync.round();
  assert.deepEqual(h.asked.slice(3), ['good'], 'the next round asks the next peers and keeps the good proof');
  assert.equal(h.store.latest(), 2n);
  assert.deepEqual(h.store.get(2n), stored(2));
  assert.equal(h.verifiedCount(), 1);
  await h.sync.round();
  assert.equal(h.asked.length, 4, 'nothing is newer here than the stored epoch 2: no peer is asked');
  h.cleanup();
});

test('a proof that fails verification is not kept, and its peer is penalized', async () => {
  for (const fault of ['proof', 'key'] as const) {
    const h = harness({ a: stored(2) }, fault);
    await h.sync.round();
    assert.equal(h.store.latest(), null);
    assert.equal(h.penalties.length, 1);
    assert.match(h.penalties[0]!, fault === 'key' ? /key that is not its hash/ : /does not verify/);
    h.cleanup();
  }
});

test('with no key to hold proofs to, nothing is fetched', async () => {
  const h = harness({ a: stored(2) });
  const sync = new EpochProofSync({ store: h.store, network: () => ({ peers: () => ['a'], epochProof: async () => { throw new Error('must not be asked'); }, penalize: () => undefined }), facts, vkHash: () => null, verifier: { close: async () => undefined } as unknown as EpochProofVerifier, log: createLogger({ level: 'silent', format: 'json' }), intervalMs: 1000 });
  await sync.round();
  assert.equal(h.store.latest(), null);
  h.cleanup();
});
