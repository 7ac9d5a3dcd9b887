/**
 * Targets, shares and retargeting (docs/puzzle.md §targets). Integer-only and pure.
 *
 * - proofHash = SHA-256(proof bytes ‖ statement bytes); target(h) = ⌊(2^64 − 1) / max(1, h[0..8])⌋,
 *   so a proof reaches target T with probability ≈ 1/T: T is the expected proofs per solution.
 * - A block's solutions each earn one share of proofTarget; the prover reward is split over the
 *   shares, prorated when the shares fall below coinbaseTarget (the unpaid part is never minted).
 * - coinbaseTarget follows the observed work per block (n·proofTarget) by an exponential moving
 *   average kept in 48.16 fixed point (so integer rounding cannot bias it), with steps bounded to
 *   ×2 / ÷2 and floored at minCoinbaseTarget; proofTarget = coinbaseTarget / 2^k, so about 2^k
 *   solutions are expected per block.
 */
import { sha256 } from '../node/crypto/hash.ts';
import { readU64be } from '../protocol/encoding/bytes.ts';
import { statementBytes, type Statement } from './field.ts';

export const U64_MAX = (1n << 64n) - 1n;

export function proofHash(proofBytes: Uint8Array, st: Statement): Uint8Array {
  return sha256(proofBytes, statementBytes(st));
}

export function targetOf(hash: Uint8Array): bigint {
  const v = readU64be(hash, 0);
  return U64_MAX / (v === 0n ? 1n : v);
}

export interface PuzzleParams {
  proverReward: bigint;
  initialCoinbaseTarget: bigint;
  minCoinbaseTarget: bigint;
  /** k: proofTarget = coinbaseTarget >> k. */
  targetShift: bigint;
  maxSolutionsPerBlock: bigint;
  /** EMA divisor: how many blocks the average spans. */
  retargetWindow: bigint;
}

export interface Targets {
  coinbaseTarget: bigint;
  proofTarget: bigint;
  /** The work average behind coinbaseTarget, in units of 2^-16 proofs. */
  workAverage: bigint;
}

export const FIXED_POINT = 16n;

export function proofTargetFor(coinbaseTarget: bigint, params: PuzzleParams): bigint {
  const t = coinbaseTarget >> params.targetShift;
  return t < 1n ? 1n : t;
}

function fromAverage(workAverage: bigint, params: PuzzleParams): Targets {
  const coinbaseTarget = workAverage >> FIXED_POINT;
  return { coinbaseTarget, proofTarget: proofTargetFor(coinbaseTarget, params), workAverage };
}

export function initialTargets(params: PuzzleParams): Targets {
  const c = params.initialCoinbaseTarget < params.minCoinbaseTarget ? params.minCoinbaseTarget : params.initialCoinbaseTarget;
  return fromAverage(c << FIXED_POINT, params);
}

/** Targets for the next block after a block that carried `solutions` solutions. */
export function retarget(current: Targets, solutions: bigint, params: PuzzleParams): Targets {
  const old = current.workAverage;
  const observed = (solutions * current.proofTarget) << FIXED_POINT;
  const delta = observed - old;
  const step = delta >= 0n ? delta / params.retargetWindow : -((-delta + params.retargetWindow - 1n) / params.retargetWindow);
  let next = old + step;
  if (next > old * 2n) next = old * 2n;
  if (next < old / 2n) next = old / 2n;
  const floor = params.minCoinbaseTarget << FIXED_POINT;
  if (next < floor) next = floor;
  return fromAverage(next, params);
}

/** Reward of each solution in a block of `solutions` solutions (all at the block's proofTarget). */
export function rewardPerSolution(targets: Targets, solutions: bigint, params: PuzzleParams): bigint {
  if (solutions === 0n) return 0n;
  const shares = solutions * targets.proofTarget;
  const denominator = shares > targets.coinbaseTarget ? shares : targets.coinbaseTarget;
  return (params.proverReward * targets.proofTarget) / denominator;
}
