/**
 * Block execution: a pure function of (committed state, block contents) → state changes,
 * receipts and events. The proposer runs it in "build" mode (transactions that fail admission are
 * skipped) and every validator in "verify" mode (any such transaction makes the block invalid).
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { QuarryError, asQuarryError, type ErrorCode } from '../../protocol/errors.ts';
import { Overlay, type StateReader } from '../state/view.ts';
import { accounts, bumpSequence, debit } from '../modules/bank/account.ts';
import { stakingEndBlock, type StakingBlockContext } from '../modules/staking/end-block.ts';
import { marketDueKeys, marketEndBlock } from '../modules/market/end-block.ts';
import { unbondingDueKey } from '../modules/staking/unbonding.ts';
import { getChainParams, type ChainParams } from '../modules/chain-params.ts';
import { handlerFor } from '../modules/registry.ts';
import { PenalizedRejection, type ChainEvent, type MsgContext, type ProofVerifier } from '../modules/types.ts';
import { checkTxState, checkTxStatic } from './ante.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import type { Tx } from '../tx/tx.ts';
import { applySolutions, type PuzzleContext } from '../modules/puzzle/solutions.ts';
import type { Solution } from '../../puzzle/solution.ts';
import type { Evidence } from '../../consensus/evidence.ts';
import { recordHandoff, type HandoffSignature } from '../modules/epoch/handoff.ts';
import { recordEpochSet } from '../modules/epoch/state.ts';
import { mixBeacon } from '../modules/beacon.ts';

export interface Receipt {
  txHash: Uint8Array;
  code: ErrorCode | 'OK';
  log: string;
  events: ChainEvent[];
}

export interface BlockContext {
  chainId: string;
  height: bigint;
  time: bigint;
  proposer: Uint8Array;
  puzzle: PuzzleContext;
  proofs: ProofVerifier;
  lastCommit: StakingBlockContext['lastCommit'];
  evidence: StakingBlockContext['evidence'];
  /** Handoff signatures already verified against state (node/chain/handoffs.ts). */
  handoffs: HandoffSignature[];
  /** The proposer's beacon signature, already verified (node/chain/beacon.ts). */
  beacon: Uint8Array;
}

export interface BlockContent {
  txs: Tx[];
  solutions: Solution[];
  evidence: Evidence[];
  handoffs?: HandoffSignature[];
}

export interface ExecResult {
  state: Overlay;
  included: Tx[];
  receipts: Receipt[];
  /** Transactions refused in build mode, with the reason (the mempool drops them). */
  rejected: Array<{ tx: Tx; error: QuarryError }>;
  solutions: Solution[];
  rejectedSolutions: Array<{ solution: Solution; error: QuarryError }>;
  /** Evidence the block punished. */
  evidence: Evidence[];
  events: ChainEvent[];
  params: ChainParams;
}

async function applyTx(state: Overlay, ctx: BlockContext, params: ChainParams, tx: Tx): Promise<Receipt> {
  checkTxStatic(tx, ctx.chainId, ctx.height, params);
  await checkTxState(tx, state);
  const body = tx.tx.body;
  await debit(state, tx.sender, body.fee);
  await bumpSequence(state, tx.sender);
  const msgState = state.child();
  const events: ChainEvent[] = [];
  const msgCtx: MsgContext = {
    state: msgState,
    signer: tx.sender,
    chainId: ctx.chainId,
    height: ctx.height,
    time: ctx.time,
    txHash: tx.hash,
    msgIndex: 0,
    proofs: ctx.proofs,
    emit: (e) => events.push(e),
  };
  try {
    await prepareMessages(msgCtx, body.msgs);
    for (const [i, msg] of body.msgs.entries()) await handlerFor(msg).apply({ ...msgCtx, msgIndex: i }, msg);
  } catch (err) {
    const e = asQuarryError(err);
    if (e.code === 'E_INTERNAL' || e.code === 'E_STORE') throw e; // a node fault, not a bad transaction
    return { txHash: tx.hash, code: e.code, log: e.message, events: await applyPenalty(err, state, msgCtx) };
  }
  msgState.mergeInto(state);
  return { txHash: tx.hash, code: 'OK', log: '', events };
}

/** A rejected message's penalty, if it carries one, on the transaction's state; its events. */
async function applyPenalty(err: unknown, state: Overlay, ctx: MsgContext): Promise<ChainEvent[]> {
  if (!(err instanceof PenalizedRejection)) return [];
  const events: ChainEvent[] = [];
  const penaltyState = state.child();
  await err.penalty({ ...ctx, state: penaltyState, emit: (e) => events.push(e) });
  penaltyState.mergeInto(state);
  return events;
}

/** Gives each message type one look at all of the transaction's messages of its type first. */
async function prepareMessages(ctx: MsgContext, msgs: AnyMsg[]): Promise<void> {
  const byType = new Map<string, AnyMsg[]>();
  for (const m of msgs) byType.set(m.type, [...(byType.get(m.type) ?? []), m]);
  for (const group of byType.values()) await handlerFor(group[0]!).prepare?.(ctx, group);
}

/**
 * Gives each `prepare` one look at every message in the block that uses it, before any runs:
 * the market's fills of one circuit (fulfils and reveals alike), across transactions, are verified
 * as one randomized batch (docs/market.md §verification) and each transaction then reads its
 * verdict from the verifier's cache. Reads only; a failure here changes nothing (each message
 * still checks itself when it runs).
 */
async function prepareBlock(state: Overlay, ctx: BlockContext, txs: Tx[]): Promise<void> {
  type Prepare = NonNullable<ReturnType<typeof handlerFor>['prepare']>;
  const groups = new Map<Prepare, AnyMsg[]>();
  for (const tx of txs) {
    for (const m of tx.tx.body.msgs) {
      const prepare = handlerFor(m).prepare;
      if (prepare) (groups.get(prepare) ?? groups.set(prepare, []).get(prepare)!).push(m);
    }
  }
  if (groups.size === 0) return;
  const look: MsgContext = { state: state.child(), signer: new Uint8Array(20), chainId: ctx.chainId, height: ctx.height, time: ctx.time, txHash: new Uint8Array(32), msgIndex: 0, proofs: ctx.proofs, emit: () => undefined };
  for (const [prepare, group] of groups) {
    try {
      await prepare(look, group);
    } catch {
      // only a cache warm-up: the messages check themselves
    }
  }
}

/**
 * Executes a block's contents on `base`. In build mode `full` (the proposer's budget, asked with
 * the count included so far before each transaction) may end the transaction list early: the rest stay in the mempool for the
 * next block. Validity never depends on it; verification executes exactly what the block holds.
 */
export async function executeBlock(base: StateReader, ctx: BlockContext, content: BlockContent, mode: 'build' | 'verify', full?: (included: number) => boolean): Promise<ExecResult> {
  const { txs } = content;
  const state = new Overlay(base, { memoize: true });
  // one round trip for every sender's account instead of one per transaction
  await state.prefetch(txs.map((tx) => accounts.key(tx.sender)));
  const params = await getChainParams(state);
  await prepareBlock(state, ctx, txs);
  const result: ExecResult = { state, included: [], receipts: [], rejected: [], solutions: [], rejectedSolutions: [], evidence: content.evidence, events: [], params };
  const seen = new Set<string>();
  let fees = 0n;
  for (const tx of txs) {
    if (mode === 'build' && result.included.length > 0 && full?.(result.included.length)) break;
    const id = toHex(tx.hash);
    const txState = state.child();
    try {
      if (seen.has(id)) throw new QuarryError('E_DUPLICATE', 'transaction appears twice in the block');
      const receipt = await applyTx(txState, ctx, params, tx);
      txState.mergeInto(state);
      seen.add(id);
      fees += tx.tx.body.fee;
      result.included.push(tx);
      result.receipts.push(receipt);
    } catch (err) {
      const e = asQuarryError(err);
      if (mode === 'verify' || e.code === 'E_INTERNAL' || e.code === 'E_STORE') {
        throw new QuarryError(e.code === 'E_STORE' ? 'E_STORE' : 'E_BAD_BLOCK', `transaction ${id.slice(0, 16)} is not admissible: ${e.code}: ${e.message}`);
      }
      result.rejected.push({ tx, error: e });
    }
  }
  const sol = await applySolutions(state, ctx.puzzle, content.solutions, mode, result.events);
  result.solutions = sol.accepted;
  result.rejectedSolutions = sol.rejected;
  for (const h of ctx.handoffs) await recordHandoff(state, h, result.events);
  await endBlock(state, ctx, params, fees, result.events);
  return result;
}

/**
 * End of block: the beacon's mix takes this block's signature (what the block's draws read), the
 * market's deadlines and matching, then staking (rewards, slashing, the active
 * set); at an epoch boundary the new set is recorded for the epoch prover.
 */
async function endBlock(state: Overlay, ctx: BlockContext, params: ChainParams, fees: bigint, events: ChainEvent[]): Promise<void> {
  // the queues due at this height are read whether or not they exist: one round trip for all
  await state.prefetch([...marketDueKeys(ctx.height), unbondingDueKey(ctx.height)]);
  await mixBeacon(state, ctx.beacon);
  await marketEndBlock(state, ctx.height, events);
  await stakingEndBlock(
    state,
    { height: ctx.height, proposer: ctx.proposer, fees, blockReward: params.blockReward, epochLength: params.epochLength, lastCommit: ctx.lastCommit, evidence: ctx.evidence },
    events,
  );
  if (ctx.height % params.epochLength === 0n) await recordEpochSet(state, ctx.height / params.epochLength, ctx.height);
}
