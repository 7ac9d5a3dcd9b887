/**
 * Tallies the votes of one height by round and type, weighted by voting power, and detects
 * equivocation (two different votes from one validator for the same round and type).
 *
 * A conflicting vote still counts towards its own value (each validator at most once per value):
 * an honest node may need an equivocator's vote, relayed by a peer, to see the same polka its
 * peers saw, or consensus can stall. This is safe: two quorums for different values would overlap
 * in more than 1/3 of the power, so some honest validator would have voted twice. "Any value"
 * weights count each validator once. A validator's distinct values per round and type are capped.
 */
import { toHex } from '../protocol/encoding/bytes.ts';
import type { ValidatorSet } from './validator-set.ts';
import type { Vote, VoteType } from './messages.ts';

export const NIL = 'nil';
export const valueKey = (hash: Uint8Array | null): string => (hash ? toHex(hash) : NIL);
export const MAX_VALUES_PER_VALIDATOR = 4;

class Tally {
  /** validator → value → vote (first entry is the validator's first vote). */
  readonly byValidator = new Map<number, Map<string, Vote>>();
  readonly byValue = new Map<string, bigint>();
  total = 0n;
}

class RoundVotes {
  readonly prevote = new Tally();
  readonly precommit = new Tally();
  readonly senders = new Set<number>();
  senderPower = 0n;
}

export type AddResult = { kind: 'added' } | { kind: 'duplicate' } | { kind: 'conflict'; existing: Vote };

export class VoteKeeper {
  private readonly rounds = new Map<number, RoundVotes>();
  constructor(private readonly set: ValidatorSet) {}

  private round(r: number): RoundVotes {
    let rv = this.rounds.get(r);
    if (!rv) {
      rv = new RoundVotes();
      this.rounds.set(r, rv);
    }
    return rv;
  }

  add(vote: Vote): AddResult {
    const rv = this.round(vote.round);
    const tally = rv[vote.type];
    const k = valueKey(vote.blockHash);
    const power = this.set.power(vote.validatorIndex);
    const mine = tally.byValidator.get(vote.validatorIndex);
    if (mine?.has(k)) return { kind: 'duplicate' };
    if (mine && mine.size >= MAX_VALUES_PER_VALIDATOR) return { kind: 'conflict', existing: mine.values().next().value! };
    tally.byValue.set(k, (tally.byValue.get(k) ?? 0n) + power);
    if (mine) {
      const existing = mine.values().next().value!;
      mine.set(k, vote);
      return { kind: 'conflict', existing };
    }
    tally.byValidator.set(vote.validatorIndex, new Map([[k, vote]]));
    tally.total += power;
    if (!rv.senders.has(vote.validatorIndex)) {
      rv.senders.add(vote.validatorIndex);
      rv.senderPower += power;
    }
    return { kind: 'added' };
  }

  /** True when this exact vote (validator, round, step, value) is already counted. */
  has(vote: Vote): boolean {
    return this.rounds.get(vote.round)?.[vote.type].byValidator.get(vote.validatorIndex)?.has(valueKey(vote.blockHash)) ?? false;
  }

  weightFor(round: number, type: VoteType, value: string): bigint {
    return this.rounds.get(round)?.[type].byValue.get(value) ?? 0n;
  }

  weightAny(round: number, type: VoteType): bigint {
    return this.rounds.get(round)?.[type].total ?? 0n;
  }

  senderPower(round: number): bigint {
    return this.rounds.get(round)?.senderPower ?? 0n;
  }

  votesFor(round: number, type: VoteType, value: string): Vote[] {
    const tally = this.rounds.get(round)?.[type];
    if (!tally) return [];
    const out: Vote[] = [];
    for (const votes of tally.byValidator.values()) {
      const v = votes.get(value);
      if (v) out.push(v);
    }
    return out.sort((a, b) => a.validatorIndex - b.validatorIndex);
  }

  /** Every vote held, for relaying to peers that may lack them. */
  allVotes(): Vote[] {
    const out: Vote[] = [];
    for (const rv of this.rounds.values()) {
      for (const tally of [rv.prevote, rv.precommit]) for (const votes of tally.byValidator.values()) out.push(...votes.values());
    }
    return out;
  }

  /** Who voted for what in a round, e.g. `ab12cd34:0,2,3 nil:1` (logged when a round fails). */
  describe(round: number, type: VoteType): string {
    const tally = this.rounds.get(round)?.[type];
    if (!tally) return '';
    const voters = new Map<string, number[]>();
    for (const [validator, votes] of tally.byValidator) for (const k of votes.keys()) voters.set(k, [...(voters.get(k) ?? []), validator]);
    return [...voters].map(([k, vs]) => `${k.slice(0, 8)}:${vs.sort((a, b) => a - b).join(',')}`).join(' ');
  }

  /** Rounds that have any votes, ascending. */
  knownRounds(): number[] {
    return [...this.rounds.keys()].sort((a, b) => a - b);
  }
}
