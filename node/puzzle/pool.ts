/**
 * Pending solutions of the current epoch, admitted cheapest check first (docs/puzzle.md
 * §verification): decode and signature, sender rate limit, epoch, duplicate, target, then the
 * pairing check and the canonicity audit. A sender whose solutions fail the proof checks
 * `failureLimit` times is refused for `banMs` (E_RATE_LIMITED): blame lands on the signing key.
 */
import { QuarryError } from '../../protocol/errors.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { decodeSolution, solutionId, type Solution } from '../../puzzle/solution.ts';
import { checkSolution, type SolutionChecker } from '../modules/puzzle/solutions.ts';
import { getTargets } from '../modules/puzzle/state.ts';
import { epochOf, getChainParams } from '../modules/chain-params.ts';
import { Overlay } from '../state/view.ts';
import type { Chain } from '../chain/chain.ts';

export interface SolutionPoolConfig {
  maxPending: number;
  failureLimit: number;
  banMs: number;
}

export const DEFAULT_SOLUTION_POOL: SolutionPoolConfig = { maxPending: 1000, failureLimit: 3, banMs: 10 * 60_000 };

interface Offender {
  failures: number;
  bannedUntil: number;
}

export class SolutionPool {
  private readonly pending = new Map<string, Solution>();
  private epoch = -1n;
  private readonly offenders = new Map<string, Offender>();

  constructor(private readonly chain: Chain, private readonly checker: SolutionChecker, readonly config: SolutionPoolConfig = DEFAULT_SOLUTION_POOL, private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.pending.size;
  }

  has(id: Uint8Array): boolean {
    return this.pending.has(toHex(id));
  }

  private async nextEpoch(): Promise<bigint> {
    return epochOf(this.chain.head.height + 1n, await getChainParams(this.chain.latestState));
  }

  async add(bytes: Uint8Array): Promise<{ solution: Solution; id: Uint8Array }> {
    const s = decodeSolution(bytes, this.chain.chainId);
    const sender = toHex(s.pubKey);
    const offender = this.offenders.get(sender);
    if (offender && offender.bannedUntil > this.now()) throw new QuarryError('E_RATE_LIMITED', 'this prover key sent too many invalid solutions and is refused for a while');
    const epoch = await this.nextEpoch();
    this.sync(epoch);
    const id = solutionId(s.body);
    if (this.pending.has(toHex(id))) throw new QuarryError('E_DUPLICATE', 'solution is already pending');
    if (this.pending.size >= this.config.maxPending) throw new QuarryError('E_MEMPOOL_FULL', 'the solution pool is full');
    const state = new Overlay(this.chain.latestState);
    const { proofTarget } = await getTargets(state);
    const challenge = await this.chain.challengeFor(epoch);
    try {
      await checkSolution(state, { height: this.chain.head.height + 1n, epoch, challenge, checker: this.checker }, s, proofTarget, new Set());
    } catch (err) {
      const code = (err as QuarryError).code;
      if (code === 'E_INVALID_PROOF' || code === 'E_NOT_CANONICAL') this.blame(sender);
      throw err;
    }
    this.pending.set(toHex(id), s);
    return { solution: s, id };
  }

  private blame(sender: string): void {
    const o = this.offenders.get(sender) ?? { failures: 0, bannedUntil: 0 };
    o.failures++;
    if (o.failures >= this.config.failureLimit) {
      o.bannedUntil = this.now() + this.config.banMs;
      o.failures = 0;
    }
    this.offenders.set(sender, o);
    if (this.offenders.size > 100_000) this.offenders.clear();
  }

  /** Drops everything from other epochs. */
  private sync(epoch: bigint): void {
    if (epoch !== this.epoch) {
      this.pending.clear();
      this.epoch = epoch;
    }
  }

  /** Up to `max` pending solutions for the next block, oldest first. */
  async reap(max: number): Promise<Solution[]> {
    this.sync(await this.nextEpoch());
    return [...this.pending.values()].slice(0, max);
  }

  /** After a block: forget what it included and anything from a finished epoch. */
  async onCommitted(included: Solution[]): Promise<void> {
    for (const s of included) this.pending.delete(toHex(solutionId(s.body)));
    this.sync(await this.nextEpoch());
  }

  remove(solutions: Solution[]): void {
    for (const s of solutions) this.pending.delete(toHex(solutionId(s.body)));
  }
}
