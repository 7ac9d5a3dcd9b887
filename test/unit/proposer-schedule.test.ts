/**
 * The proposer round robin (protocol/proposer.ts), which the chain's validator sets run
 * (consensus/validator-set.ts) and the dashboard uses to predict turns: the schedule names the same
 * round-0 proposer as the engine's selection for every height, for equal, skewed and
 * priority-clamping sets, from fresh and carried-over priorities; and known answers pin the
 * consensus-critical algorithm itself (a change to it is a chain fork, so it must fail here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidatorSet, initialPriorities, nextPriorities } from '../../consensus/validator-set.ts';
import { blocksUntilProposer, proposerSchedule } from '../../protocol/proposer.ts';

const setOf = (powers: bigint[]) => new ValidatorSet(powers.map((power, i) => ({ address: new Uint8Array(20).fill(i), blsPubKey: new Uint8Array(48), power })));

/** The chain's proposers for `count` heights, as the engine picks them (round 0 of each height). */
function chainSchedule(set: ValidatorSet, start: bigint[], count: number): number[] {
  const out: number[] = [];
  let p = start;
  for (let h = 0; h < count; h++) {
    out.push(set.proposer(p, 0));
    p = nextPriorities(set, p);
  }
  return out;
}

test('the predicted proposers match the chain for equal, skewed and clamping sets', () => {
  const cases: Array<{ powers: bigint[]; start?: bigint[] }> = [
    { powers: [1n, 1n, 1n, 1n] },
    { powers: [1n, 2n, 7n] },
    { powers: [100n, 1n] },
    { powers: [3n, 2n, 1n], start: [500n, -400n, -100n] }, // a spread far over 2·total (carried over a rotation): rescaled
    { powers: [5n, 3n, 3n, 1n, 9n], start: [7n, -20n, 3n, 0n, 10n] }, // carried over from an earlier set
    { powers: [1_000_000n, 333_333n, 333_333n, 1n] },
  ];
  for (const { powers, start } of cases) {
    const set = setOf(powers);
    const from = start ?? initialPriorities(set);
    assert.deepEqual(proposerSchedule(powers, from, 300), chainSchedule(set, from, 300), `powers ${powers.join(',')}`);
  }
});

test('known proposer sequences: each validator proposes in proportion to its power, clamped priorities rescale', () => {
  const seq = proposerSchedule([1n, 2n, 7n], [0n, 0n, 0n], 20);
  assert.deepEqual(seq, [2, 1, 2, 2, 0, 2, 2, 1, 2, 2, 2, 1, 2, 2, 0, 2, 2, 1, 2, 2]);
  assert.deepEqual([0, 1, 2].map((i) => seq.slice(0, 10).filter((x) => x === i).length), [1, 2, 7]);
  assert.deepEqual(proposerSchedule([3n, 2n, 1n], [500n, -400n, -100n], 12), [0, 0, 0, 0, 1, 2, 0, 0, 1, 0, 1, 2]);
});

test('blocks until a validator proposes: 0 when it is next, null beyond the horizon or outside the set', () => {
  const powers = [1n, 2n, 7n];
  const start = [0n, 0n, 0n];
  const schedule = proposerSchedule(powers, start, 20);
  assert.equal(schedule[0], 2, 'the heaviest proposes first');
  assert.equal(blocksUntilProposer(powers, start, 2), 0);
  assert.equal(blocksUntilProposer(powers, start, 0), schedule.indexOf(0));
  assert.ok(schedule.indexOf(0) > 0);
  assert.equal(blocksUntilProposer([1n, 1_000_000n], [0n, 0n], 0, 10), null, 'a tiny validator waits longer than the horizon');
  assert.equal(blocksUntilProposer(powers, start, 5), null);
  assert.deepEqual(proposerSchedule([], [], 5), []);
});
