/** Puzzle parameters and state records (docs/puzzle.md §state). */
import { array, bytes, struct, u64, type Infer } from '../../../protocol/encoding/schema.ts';
import { NO_ID, record } from '../../state/record.ts';
import type { StateReader } from '../../state/view.ts';
import type { PuzzleParams, Targets } from '../../../puzzle/target.ts';

export const puzzleParamsSchema = struct({
  /** The puzzle circuit's id (vkHash); the node refuses to start with other artifacts. */
  circuitId: bytes({ len: 32 }),
  proverReward: u64,
  initialCoinbaseTarget: u64,
  minCoinbaseTarget: u64,
  targetShift: u64,
  maxSolutionsPerBlock: u64,
  retargetWindow: u64,
});
export type PuzzleParamsRecord = Infer<typeof puzzleParamsSchema>;
export const puzzleParams = record('params/puzzle', puzzleParamsSchema);

/** Targets in force for the next block, and the epoch of the last block. */
export const puzzleTargets = record('puzzle/targets', struct({ coinbaseTarget: u64, proofTarget: u64, workAverage: u64, epoch: u64 }));
/** Included solution ids (statement ids), kept for their epoch only. */
export const includedSolutions = record('puzzle/solution', struct({ height: u64 }));
export const epochSolutions = record('puzzle/epoch-solutions', struct({ ids: array(bytes({ len: 32 }), 1 << 20) }));

export async function getPuzzleParams(state: StateReader): Promise<PuzzleParamsRecord & PuzzleParams> {
  const p = await puzzleParams.get(state, NO_ID);
  if (!p) throw new Error('puzzle parameters missing from state');
  return p;
}

export async function getTargets(state: StateReader): Promise<Targets & { epoch: bigint }> {
  const t = await puzzleTargets.get(state, NO_ID);
  if (!t) throw new Error('puzzle targets missing from state');
  return t;
}
