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

test('thousands of heights with delay, drop, duplication, reordering and f equivocating validators: never two commits at a height', () => {
  let heights = 0;
  for (let seed = 1; seed <= 8; seed++) {
    const n = 4 + (seed % 4); // 4 to 7 validators
    const f = Math.floor((n - 1) / 3);
    const sim = new ConsensusSim({
      powers: Array.from({ length: n }, (_, i) => BigInt(10 + (i % 3))),
      seed,
      maxDelay: 200,
      dropRate: 0.1,
      dupRate: 0.1,
      byzantine: Array.from({ length: f }, (_, i) => i),
    });
    sim.run(160n, 20_000_000);
    sim.assertAgreement();
    assert.ok(sim.decisions.size >= 160, `seed ${seed}: progress (${sim.decisions.size} heights)`);
    if (f > 0) assert.ok(sim.equivocations > 0, 'equivocation was detected');
    heights += sim.decisions.size;
  }
  assert.ok(heights >= 1000);
});

test('after a partition heals, the network makes progress again', () => {
  const sim = new ConsensusSim({ powers: [10n, 10n, 10n, 10n], seed: 42, maxDelay: 50, blackout: [2_000, 20_000] });
  sim.run(1000n, 1_999);
  const before = sim.decisions.size;
  sim.run(1000n, 19_000);
  assert.ok(sim.decisions.size <= before + 1, 'nothing commits while every message is lost');
  sim.run(BigInt(before + 20), 200_000);
  assert.ok(sim.decisions.size >= before + 20, `progress resumed (${before} → ${sim.decisions.size})`);
  sim.assertAgreement();
});
