/**
 * The reward and retargeting rules, simulated deterministically: proof outcomes come from a seeded
 * generator of uniform 64-bit hash prefixes, blocks include at most maxSolutionsPerBlock solutions
 * and leftovers wait for later blocks of the epoch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialTargets, proofTargetFor, retarget, rewardPerSolution, targetOf, U64_MAX, type PuzzleParams, type Targets } from '../../puzzle/target.ts';
import { u64be } from '../../protocol/encoding/bytes.ts';
import { Rng } from '../helpers/rng.ts';

const params: PuzzleParams = { proverReward: 1_000_000n, initialCoinbaseTarget: 16n, minCoinbaseTarget: 8n, targetShift: 2n, maxSolutionsPerBlock: 16n, retargetWindow: 16n };

test('target(h) = floor((2^64 − 1) / max(1, first 8 bytes))', () => {
  const h = (v: bigint) => new Uint8Array([...u64be(v), ...new Uint8Array(24)]);
  assert.equal(targetOf(h(0n)), U64_MAX);
  assert.equal(targetOf(h(1n)), U64_MAX);
  assert.equal(targetOf(h(2n)), U64_MAX / 2n);
  assert.equal(targetOf(h(U64_MAX)), 1n);
  assert.equal(proofTargetFor(3n, params), 1n, 'proofTarget never drops below 1');
});

interface SimResult {
  earned: bigint[];
  coinbase: bigint[];
}

function simulate(rates: number[][], blocks: number, seed: number): SimResult {
  const rng = new Rng(seed);
  let targets: Targets = initialTargets(params);
  const earned = rates[0]!.map(() => 0n);
  const coinbase: bigint[] = [];
  const waiting: number[] = []; // prover index of each pending solution, oldest first
  for (let b = 0; b < blocks; b++) {
    const perBlock = rates[Math.min(rates.length - 1, Math.floor((b * rates.length) / blocks))]!;
    perBlock.forEach((n, prover) => {
      for (let k = 0; k < n; k++) {
        const prefix = BigInt(rng.int(2 ** 30)) * 2n ** 34n + BigInt(rng.int(2 ** 30)) * 16n + BigInt(rng.int(16));
        if (U64_MAX / (prefix === 0n ? 1n : prefix) >= targets.proofTarget) waiting.push(prover);
      }
    });
    const included = waiting.splice(0, Number(params.maxSolutionsPerBlock));
    const reward = rewardPerSolution(targets, BigInt(included.length), params);
    for (const p of included) earned[p]! += reward;
    targets = retarget(targets, BigInt(included.length), params);
    coinbase.push(targets.coinbaseTarget);
  }
  return { earned, coinbase };
}

test('provers computing at 1:2:5 earn within ±10% of 1:2:5 over 1,000 blocks', () => {
  const { earned } = simulate([[2, 4, 10]], 1000, 7);
  const unit = Number(earned[0]! + earned[1]! + earned[2]!) / 8;
  [1, 2, 5].forEach((share, i) => {
    const ratio = Number(earned[i]!) / (unit * share);
    assert.ok(ratio > 0.9 && ratio < 1.1, `prover ${i}: ${ratio.toFixed(3)} of its fair share`);
  });
});

test('after a 4× jump in network proof rate the targets converge within 150 blocks', () => {
  const before = [2, 4, 10]; // 16 proofs per block
  const after = before.map((n) => n * 4); // 64 proofs per block
  const { coinbase } = simulate([before, after], 600, 11);
  const avg = (xs: bigint[]) => Number(xs.reduce((a, b) => a + b, 0n)) / xs.length;
  const settledBefore = avg(coinbase.slice(200, 300));
  assert.ok(settledBefore > 12 && settledBefore < 21, `before: ${settledBefore}`);
  const afterJump = coinbase.slice(300);
  const converged = afterJump.findIndex((_, i) => i >= 10 && Math.abs(avg(afterJump.slice(i - 10, i)) - 64) / 64 < 0.25);
  assert.ok(converged >= 0 && converged <= 150, `converged after ${converged} blocks`);
  const settledAfter = avg(afterJump.slice(200));
  assert.ok(settledAfter > 50 && settledAfter < 80, `after: ${settledAfter}`);
});

test('the rules are deterministic and never mint more than the prover reward per block', () => {
  const a = simulate([[3, 5, 8]], 300, 5);
  const b = simulate([[3, 5, 8]], 300, 5);
  assert.deepEqual(a, b);
  for (let n = 0n; n <= params.maxSolutionsPerBlock; n++) {
    for (const t of [initialTargets(params), { coinbaseTarget: 1000n, proofTarget: 250n, workAverage: 1000n << 16n }]) {
      assert.ok(rewardPerSolution(t, n, params) * n <= params.proverReward);
    }
  }
  const at = (c: bigint): Targets => ({ coinbaseTarget: c, proofTarget: c >> 2n, workAverage: c << 16n });
  // below coinbaseTarget the reward is prorated: one solution of 4 shares against 16 pays a quarter
  assert.equal(rewardPerSolution(at(16n), 1n, params), params.proverReward / 4n);
  // retargeting moves 1/16 of the way, is bounded by ×2 per block and floored
  assert.equal(retarget(at(100n), 0n, params).coinbaseTarget, 93n);
  assert.equal(retarget(at(8n), 0n, params).coinbaseTarget, 8n);
  assert.ok(retarget(at(100n), 1000n, params).coinbaseTarget <= 200n);
});
