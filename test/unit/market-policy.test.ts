/**
 * The miners' market policy (miner/market-policy.ts) on races and sealed requests, driven
 * directly: a race is joined once, only inside its commit window, only with room left, and
 * revealed only after the window; a sealed lock is not proved before its seal; a sealed request
 * is never taken as an open fill (its inputs are readable by the locked prover only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMarket, type MarketAction, type PolicyRequest, type ProverMemory } from '../../miner/market-policy.ts';
import { MAX_RACERS } from '../../node/modules/market/state.ts';

const C = 'c'.repeat(64);
const ME = 'qry1me';
const QRY = 1_000_000n;

function request(id: string, over: Partial<PolicyRequest> = {}): PolicyRequest {
  return { id, circuitId: C, inputs: [], status: 'open', currentPrice: String(QRY), maxPrice: String(QRY), collateral: '0', deadline: '100', fillerReward: '0', lock: null, ...over };
}
function memory(over: Partial<ProverMemory> = {}): ProverMemory {
  return { askPrice: new Map([[C, QRY / 2n]]), done: new Set(), checked: new Set(), unprovable: new Set(), committed: new Map(), proofSeconds: () => 1, miningRate: 0, address: ME, ...over };
}
const race = (id: string, over: Partial<PolicyRequest> = {}) => request(id, { status: 'race', mode: 'race', listedAt: '10', lockBlocks: '5', winners: '2', racers: [], ...over });
const plan = (height: bigint, view: { locked?: PolicyRequest[]; openFill?: PolicyRequest[]; open?: PolicyRequest[]; race?: PolicyRequest[] }, m = memory()): string[] =>
  planMarket({ height, locked: view.locked ?? [], openFill: view.openFill ?? [], open: view.open ?? [], race: view.race ?? [] }, m).map((a: MarketAction) => `${a.do}:${'id' in a ? a.id : a.request.id}`);

test('a race is joined inside its commit window, once, with room left, and revealed after the window', () => {
  assert.deepEqual(plan(12n, { race: [race('r')] }), ['race:r']);
  assert.deepEqual(plan(15n, { race: [race('r')] }), ['race:r'], 'the last height of the window');
  assert.deepEqual(plan(16n, { race: [race('r')] }), [], 'the window has closed');
  assert.deepEqual(plan(12n, { race: [race('r', { racers: [{ prover: ME, collateral: '1', revealed: false }] })] }), [], 'already in it');
  const full = Array.from({ length: MAX_RACERS }, (_, i) => ({ prover: `qry1p${i}`, collateral: '1', revealed: false }));
  assert.deepEqual(plan(12n, { race: [race('r', { racers: full })] }), [], 'full');
  assert.deepEqual(plan(12n, { race: [race('r', { circuitId: 'd'.repeat(64) })] }), [], 'a circuit it does not serve');
  assert.deepEqual(plan(12n, { race: [race('r')] }, memory({ miningRate: Number(QRY) })), [], 'a share (0.5 QRY per second of proving) below what mining earns');
  const committed = memory({ committed: new Map([['r', { height: 12n, revealAt: 16n }]]) });
  assert.deepEqual(plan(13n, { race: [race('r')] }, committed), [], 'committed: no second commit, no reveal inside the window');
  assert.deepEqual(plan(16n, { race: [race('r')] }, committed), ['reveal:r']);
  assert.deepEqual(plan(13n, {}, memory({ committed: new Map([['f', { height: 12n }]]) })), ['reveal:f'], 'an open fill reveals in the next block');
});

test('open fills come before races, and obligations before both', () => {
  const openFill = request('f', { status: 'open-fill' });
  assert.deepEqual(plan(12n, { openFill: [openFill], race: [race('r')] }), ['commit:f']);
  const locked = request('l', { status: 'locked', lock: { prover: ME, price: String(QRY), expiresAt: '40' } });
  assert.deepEqual(plan(12n, { locked: [locked], openFill: [openFill], race: [race('r')] }), ['check-locked:l', 'prove-locked:l']);
});

test('a sealed lock waits for its seal, and a sealed request is never an open fill', () => {
  const awaiting = request('s', { status: 'locked', sealed: 'ab'.repeat(32), lock: { prover: ME, price: String(QRY), expiresAt: '40', awaitingSeal: '20' } });
  assert.deepEqual(plan(12n, { locked: [awaiting], race: [race('r')] }), [], 'nothing to prove yet, and the lock is still an obligation');
  const sealedNow = { ...awaiting, lock: { ...awaiting.lock!, awaitingSeal: '0' } };
  assert.deepEqual(plan(12n, { locked: [sealedNow] }), ['check-locked:s', 'prove-locked:s']);
  assert.deepEqual(plan(12n, { openFill: [request('f', { status: 'open-fill', sealed: 'ab'.repeat(32) })] }), []);
});
