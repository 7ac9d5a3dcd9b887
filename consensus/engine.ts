/**
 * Tendermint consensus for one validator as a pure state machine ("The latest gossip on BFT
 * consensus", Buchman, Kwon, Milosevic 2018; docs/consensus.md). Inputs are verified messages and
 * timer events; outputs are effects for the shell: ask for a block, sign and broadcast a proposal
 * or vote, set a timer, commit a decision, report equivocation. Comments cite the paper's lines.
 * No clocks, sockets or randomness here, so tests can drive thousands of heights.
 */
import type { ValidatorSet } from './validator-set.ts';
import type { Proposal, UnsignedProposal, UnsignedVote, Vote, VoteType } from './messages.ts';
import { NIL, valueKey, VoteKeeper } from './vote-keeper.ts';

export type Step = 'propose' | 'prevote' | 'precommit';

export interface Timeouts {
  propose: number;
  prevote: number;
  precommit: number;
  /** Added per round so rounds slow down until messages get through (partial synchrony). */
  delta: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { propose: 1000, prevote: 500, precommit: 500, delta: 500 };

export type EngineInput =
  | { kind: 'proposeValue'; height: bigint; round: number; blockHash: Uint8Array }
  | { kind: 'proposal'; proposal: Proposal; valid: boolean }
  | { kind: 'vote'; vote: Vote }
  | { kind: 'timeout'; step: Step; height: bigint; round: number };

export type EngineEffect =
  | { kind: 'newRound'; height: bigint; round: number }
  | { kind: 'getValue'; height: bigint; round: number }
  | { kind: 'propose'; proposal: UnsignedProposal }
  | { kind: 'vote'; vote: UnsignedVote }
  | { kind: 'scheduleTimeout'; step: Step; height: bigint; round: number; ms: number }
  | { kind: 'decide'; height: bigint; round: number; blockHash: Uint8Array; precommits: Vote[] }
  | { kind: 'equivocation'; first: Vote; second: Vote };

interface ProposalEntry {
  proposal: Proposal;
  valid: boolean;
}

/** Votes more than this many rounds ahead are dropped so a faulty peer cannot exhaust memory. */
export const MAX_ROUNDS_AHEAD = 64;

export class Engine {
  height = 0n;
  round = 0;
  step: Step = 'propose';
  private set: ValidatorSet | null = null;
  private priorities: readonly bigint[] = [];
  private locked: { value: string; round: number } | null = null;
  private validValue: { value: string; hash: Uint8Array; round: number } | null = null;
  private proposals = new Map<number, ProposalEntry>();
  private keeper: VoteKeeper | null = null;
  private fired = new Set<string>();
  private decided = false;
  private out: EngineEffect[] = [];

  /** `self` is this node's index in each height's set, or null for a non-validator (observer). */
  constructor(private readonly selfOf: (set: ValidatorSet) => number | null, private readonly timeouts: Timeouts = DEFAULT_TIMEOUTS) {}

  get isDecided(): boolean {
    return this.decided;
  }

  /** Votes held for the current height: the shell re-sends them so lossy links cannot stall a round. */
  heldVotes(): Vote[] {
    return this.keeper?.allVotes() ?? [];
  }

  /** Whether a vote is already counted at the current height (lets the shell skip re-verifying it). */
  knows(vote: Vote): boolean {
    return vote.height === this.height && (this.keeper?.has(vote) ?? false);
  }

  /**
   * Whether validators with more than a third of the power voted (prevote or precommit) for this
   * value in that round: only then can a proposal of a past round still matter (it may be decided,
   * or be the locked value a later round re-proposes).
   */
  backed(round: number, blockHash: Uint8Array): boolean {
    const set = this.validatorSet();
    const value = valueKey(blockHash);
    return set.isOneThird(this.keeper!.weightFor(round, 'prevote', value)) || set.isOneThird(this.keeper!.weightFor(round, 'precommit', value));
  }

  /** The proposal of a round, if one was received. */
  proposalOf(round: number): Proposal | undefined {
    return this.proposals.get(round)?.proposal;
  }

  /** What a round saw (logged when it fails): its proposal's hash and verdict, and who voted for what. */
  describeRound(round: number): { proposal: string; prevotes: string; precommits: string } {
    const p = this.proposals.get(round);
    const proposal = p ? `${valueKey(p.proposal.blockHash).slice(0, 8)}${p.valid ? '' : ' (invalid)'}` : 'none';
    return { proposal, prevotes: this.keeper?.describe(round, 'prevote') ?? '', precommits: this.keeper?.describe(round, 'precommit') ?? '' };
  }

  validatorSet(): ValidatorSet {
    if (!this.set) throw new Error('engine not started');
    return this.set;
  }

  proposerOf(round: number): number {
    return this.validatorSet().proposer(this.priorities, round);
  }

  /** Starts a height (after the previous one committed) with that height's set and priorities. */
  startHeight(height: bigint, set: ValidatorSet, priorities: readonly bigint[]): EngineEffect[] {
    this.height = height;
    this.set = set;
    this.priorities = priorities;
    this.locked = null;
    this.validValue = null;
    this.proposals = new Map();
    this.keeper = new VoteKeeper(set);
    this.fired = new Set();
    this.decided = false;
    this.out = [];
    this.startRound(0);
    this.evaluate();
    return this.flush();
  }

  handle(input: EngineInput): EngineEffect[] {
    if (!this.set || this.decided) return [];
    switch (input.kind) {
      case 'proposeValue':
        this.onProposeValue(input.height, input.round, input.blockHash);
        break;
      case 'proposal':
        this.onProposal(input.proposal, input.valid);
        break;
      case 'vote':
        this.onVote(input.vote);
        break;
      case 'timeout':
        this.onTimeout(input.step, input.height, input.round);
        break;
    }
    this.evaluate();
    return this.flush();
  }

  private flush(): EngineEffect[] {
    const effects = this.out;
    this.out = [];
    return effects;
  }

  private get self(): number | null {
    return this.selfOf(this.validatorSet());
  }

  private timeoutMs(step: Step, round: number): number {
    return this.timeouts[step] + this.timeouts.delta * round;
  }

  private schedule(step: Step): void {
    this.out.push({ kind: 'scheduleTimeout', step, height: this.height, round: this.round, ms: this.timeoutMs(step, this.round) });
  }

  private castVote(type: VoteType, blockHash: Uint8Array | null): void {
    const self = this.self;
    if (self === null) return;
    this.out.push({ kind: 'vote', vote: { type, height: this.height, round: this.round, blockHash, validatorIndex: self } });
  }

  // L11-L21
  private startRound(round: number): void {
    this.round = round;
    this.step = 'propose';
    this.out.push({ kind: 'newRound', height: this.height, round });
    if (this.self !== null && this.proposerOf(round) === this.self) {
      if (this.validValue) {
        const { hash, round: vr } = this.validValue;
        this.out.push({ kind: 'propose', proposal: { height: this.height, round, polRound: vr, blockHash: hash, proposerIndex: this.self } });
      } else {
        this.out.push({ kind: 'getValue', height: this.height, round });
      }
    } else {
      this.schedule('propose');
    }
  }

  private onProposeValue(height: bigint, round: number, blockHash: Uint8Array): void {
    if (height !== this.height || round !== this.round || this.step !== 'propose') return;
    if (this.self === null || this.proposerOf(round) !== this.self || this.proposals.has(round)) return;
    this.out.push({ kind: 'propose', proposal: { height, round, polRound: null, blockHash, proposerIndex: this.self } });
  }

  private onProposal(p: Proposal, valid: boolean): void {
    if (p.height !== this.height || p.round > this.round + MAX_ROUNDS_AHEAD) return;
    if (p.proposerIndex !== this.proposerOf(p.round)) return;
    if (p.polRound !== null && p.polRound >= p.round) return;
    if (!this.proposals.has(p.round)) this.proposals.set(p.round, { proposal: p, valid });
  }

  private onVote(v: Vote): void {
    if (v.height !== this.height || v.round > this.round + MAX_ROUNDS_AHEAD) return;
    if (v.validatorIndex >= this.validatorSet().size) return;
    const result = this.keeper!.add(v);
    if (result.kind === 'conflict') this.out.push({ kind: 'equivocation', first: result.existing, second: v });
  }

  // L57-L67
  private onTimeout(step: Step, height: bigint, round: number): void {
    if (height !== this.height || round !== this.round) return;
    if (step === 'propose' && this.step === 'propose') {
      this.castVote('prevote', null);
      this.step = 'prevote';
    } else if (step === 'prevote' && this.step === 'prevote') {
      this.castVote('precommit', null);
      this.step = 'precommit';
    } else if (step === 'precommit') {
      this.startRound(round + 1);
    }
  }

  private once(tag: string): boolean {
    if (this.fired.has(tag)) return false;
    this.fired.add(tag);
    return true;
  }

  /** Applies upon-rules until none fires (one rule's effect can enable another). */
  private evaluate(): void {
    for (let guard = 0; guard < 1000 && !this.decided; guard++) {
      if (!this.applyOneRule()) return;
    }
  }

  private applyOneRule(): boolean {
    const set = this.validatorSet();
    const keeper = this.keeper!;
    const r = this.round;
    const current = this.proposals.get(r);
    const currentValue = current ? valueKey(current.proposal.blockHash) : null;

    if (this.tryDecide()) return true;

    // L55: f+1 power already in a higher round → skip ahead
    for (const vr of keeper.knownRounds()) {
      if (vr > r && set.isOneThird(keeper.senderPower(vr))) {
        this.startRound(vr);
        return true;
      }
    }

    if (this.step === 'propose' && current && currentValue) {
      const { proposal, valid } = current;
      if (proposal.polRound === null) {
        // L22
        const ok = valid && (this.locked === null || this.locked.value === currentValue);
        this.castVote('prevote', ok ? proposal.blockHash : null);
        this.step = 'prevote';
        return true;
      }
      if (set.isQuorum(keeper.weightFor(proposal.polRound, 'prevote', currentValue))) {
        // L28
        const ok = valid && (this.locked === null || this.locked.round <= proposal.polRound || this.locked.value === currentValue);
        this.castVote('prevote', ok ? proposal.blockHash : null);
        this.step = 'prevote';
        return true;
      }
    }

    // L34
    if (this.step === 'prevote' && set.isQuorum(keeper.weightAny(r, 'prevote')) && this.once(`pv-timeout:${r}`)) {
      this.schedule('prevote');
      return true;
    }

    // L36
    if (current && currentValue && current.valid && this.step !== 'propose' && set.isQuorum(keeper.weightFor(r, 'prevote', currentValue)) && this.once(`l36:${r}`)) {
      if (this.step === 'prevote') {
        this.locked = { value: currentValue, round: r };
        this.castVote('precommit', current.proposal.blockHash);
        this.step = 'precommit';
      }
      this.validValue = { value: currentValue, hash: current.proposal.blockHash, round: r };
      return true;
    }

    // L44
    if (this.step === 'prevote' && set.isQuorum(keeper.weightFor(r, 'prevote', NIL))) {
      this.castVote('precommit', null);
      this.step = 'precommit';
      return true;
    }

    // L47
    if (set.isQuorum(keeper.weightAny(r, 'precommit')) && this.once(`pc-timeout:${r}`)) {
      this.schedule('precommit');
      return true;
    }
    return false;
  }

  // L49: a valid proposal of any round with a quorum of precommits decides the height
  private tryDecide(): boolean {
    const set = this.validatorSet();
    for (const [round, entry] of this.proposals) {
      const value = valueKey(entry.proposal.blockHash);
      if (!entry.valid || !set.isQuorum(this.keeper!.weightFor(round, 'precommit', value))) continue;
      this.decided = true;
      const precommits = this.keeper!.votesFor(round, 'precommit', value);
      this.out.push({ kind: 'decide', height: this.height, round, blockHash: entry.proposal.blockHash, precommits });
      return true;
    }
    return false;
  }
}
