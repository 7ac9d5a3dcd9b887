import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsensusSim } from '../helpers/consensus-sim.ts';
import { Engine } from '../../consensus/engine.ts';
import { ValidatorSet, initialPriorities, nextPriorities } from '../../consensus/validator-set.ts';

test('a single validator proposes, votes and commits each height', () => {
  const sim = new ConsensusSim({ powers: [10n], seed: 1 });
  sim.run(20n);
  assert.equal(sim.decisions.size, 20);
  sim.assertAgreement();
});

test('four validators with random delays agree on every height', () => {
  const sim = new ConsensusSim({ powers: [10n, 10n, 10n, 10n], seed: 2, maxDelay: 120, dupRate: 0.1 });
  sim.run(30n);
  assert.ok(sim.decisions.size >= 30);
  sim.assertAgreement();
  for (const [, byNode] of sim.decisions) assert.ok(byNode.size >= 1);
});

test('an engine started by a non-member never votes', () => {
  const set = new ValidatorSet([{ address: new Uint8Array(20), blsPubKey: new Uint8Array(48), power: 1n }]);
  const engine = new Engine(() => null);
  const effects = engine.startHeight(1n, set, initialPriorities(set));
  assert.ok(effects.every((e) => e.kind !== 'vote' && e.kind !== 'getValue'));
  assert.ok(effects.some((e) => e.kind === 'scheduleTimeout'));
});

test('proposer selection is stake-weighted round robin', () => {
  const set = new ValidatorSet([1n, 2n, 7n].map((power, i) => ({ address: new Uint8Array(20).fill(i), blsPubKey: new Uint8Array(48), power })));
  let p = initialPriorities(set);
  const counts = [0, 0, 0];
  for (let h = 0; h < 1000; h++) {
    counts[set.proposer(p, 0)]!++;
    p = nextPriorities(set, p);
  }
  assert.deepEqual(counts, [100, 200, 700]);
});
