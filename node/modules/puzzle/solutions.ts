/**
 * Block-level handling of solutions (docs/puzzle.md §rewards): each must be for the block's epoch,
 * new, at or above the block's proofTarget, and carry a valid canonical proof (checked by the
 * node's verifier through `SolutionChecker`, which caches verdicts). Accepted solutions are paid
 * their share of the prover reward; then the targets are retargeted for the next block.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex, u64be } from '../../../protocol/encoding/bytes.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import type { Overlay } from '../../state/view.ts';
import { NO_ID } from '../../state/record.ts';
import { mint } from '../bank/account.ts';
import type { ChainEvent } from '../types.ts';
import { decodeProof, type AffineProof } from '../../../protocol/proof-codec.ts';
import { proofHash, retarget, rewardPerSolution, targetOf } from '../../../puzzle/target.ts';
import { solutionId, type Solution } from '../../../puzzle/solution.ts';
import type { Statement } from '../../../puzzle/field.ts';
import { epochSolutions, getPuzzleParams, getTargets, includedSolutions, puzzleTargets } from './state.ts';

export interface SolutionChecker {
  /** Throws E_INVALID_PROOF or E_NOT_CANONICAL; may cache verdicts by `key`. */
  check(statement: Statement, proof: AffineProof, key: string): Promise<void>;
}

export interface PuzzleContext {
  height: bigint;
  epoch: bigint;
  challenge: bigint;
  checker: SolutionChecker;
}

/** Stateless and state checks of one solution against the block; throws a coded error. */
export async function checkSolution(state: Overlay, ctx: PuzzleContext, s: Solution, proofTarget: bigint, seen: Set<string>): Promise<Uint8Array> {
  const { body } = s;
  if (body.epoch !== ctx.epoch) throw new QuarryError('E_WRONG_EPOCH', `solution is for epoch ${body.epoch}, the block is in epoch ${ctx.epoch}`);
  const id = solutionId(body);
  const idHex = toHex(id);
  if (seen.has(idHex) || (await includedSolutions.get(state, id))) throw new QuarryError('E_DUPLICATE', 'this statement was already paid');
  const statement: Statement = { challenge: ctx.challenge, address: body.address, nonce: body.nonce };
  const target = targetOf(proofHash(body.proof, statement));
  if (target < proofTarget) throw new QuarryError('E_BELOW_TARGET', `proof target ${target} is below the block's proofTarget ${proofTarget}`);
  await ctx.checker.check(statement, decodeProof(body.proof), toHex(proofHash(body.proof, statement)));
  seen.add(idHex);
  return id;
}

/**
 * Applies a block's solutions. In build mode invalid ones are returned as rejected; in verify mode
 * any invalid one throws. Returns the accepted solutions.
 */
export async function applySolutions(
  state: Overlay,
  ctx: PuzzleContext,
  solutions: Solution[],
  mode: 'build' | 'verify',
  events: ChainEvent[],
): Promise<{ accepted: Solution[]; rejected: Array<{ solution: Solution; error: QuarryError }> }> {
  const params = await getPuzzleParams(state);
  const targets = await getTargets(state);
  if (targets.epoch !== ctx.epoch) await forgetEpoch(state, targets.epoch);
  const accepted: Solution[] = [];
  const rejected: Array<{ solution: Solution; error: QuarryError }> = [];
  const ids: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const s of solutions) {
    try {
      if (BigInt(accepted.length) >= params.maxSolutionsPerBlock) throw new QuarryError('E_INVALID_MSG', 'more solutions than maxSolutionsPerBlock');
      ids.push(await checkSolution(state, ctx, s, targets.proofTarget, seen));
      accepted.push(s);
    } catch (err) {
      const e = err instanceof QuarryError ? err : new QuarryError('E_INTERNAL', String(err));
      if (mode === 'verify' || e.code === 'E_INTERNAL') throw new QuarryError('E_BAD_BLOCK', `invalid solution: ${e.code}: ${e.message}`);
      rejected.push({ solution: s, error: e });
    }
  }
  const reward = rewardPerSolution(targets, BigInt(accepted.length), params);
  for (const [i, s] of accepted.entries()) {
    includedSolutions.put(state, ids[i]!, { height: ctx.height });
    await mint(state, s.body.address, reward);
    events.push({ type: 'solution', id: toHex(ids[i]!), address: encodeAddress(s.body.address), nonce: s.body.nonce.toString(), reward: reward.toString() });
  }
  if (ids.length > 0) {
    const prev = (await epochSolutions.get(state, u64be(ctx.epoch)))?.ids ?? [];
    epochSolutions.put(state, u64be(ctx.epoch), { ids: [...prev, ...ids] });
  }
  const next = retarget(targets, BigInt(accepted.length), params);
  puzzleTargets.put(state, NO_ID, { ...next, epoch: ctx.epoch });
  return { accepted, rejected };
}

/** Solutions are only valid in their epoch, so its duplicate records can go once it ends. */
async function forgetEpoch(state: Overlay, epoch: bigint): Promise<void> {
  const list = await epochSolutions.get(state, u64be(epoch));
  if (!list) return;
  for (const id of list.ids) includedSolutions.remove(state, id);
  epochSolutions.remove(state, u64be(epoch));
}
