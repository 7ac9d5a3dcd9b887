/**
 * Precommits for the block this node decided that arrive after the decision (docs/consensus.md
 * §commit certificate). The decision needs only the first votes past 2/3, but downtime is counted
 * from the signers of the certificate the next block carries: built from the minimal set, a
 * slow-but-live validator looked absent in a quarter of the blocks and got jailed. Like CometBFT,
 * the node keeps collecting while it waits out the block time, and proposes with all of them,
 * waiting a short grace past the block time for any still missing.
 */
import { buildCommit } from '../../consensus/commit.ts';
import type { CommitCertificate, Vote } from '../../consensus/messages.ts';
import type { ValidatorSet } from '../../consensus/validator-set.ts';
import { equalBytes } from '../../protocol/encoding/bytes.ts';

interface Decision {
  set: ValidatorSet;
  height: bigint;
  round: number;
  blockHash: Uint8Array;
  votes: Map<number, Vote>;
}

export class LatePrecommits {
  private decision: Decision | null = null;
  private waiters: Array<() => void> = [];

  /** Starts collecting for a block just decided, from the precommits that decided it. */
  decided(set: ValidatorSet, height: bigint, round: number, blockHash: Uint8Array, precommits: Vote[]): void {
    this.release();
    this.decision = { set, height, round, blockHash, votes: new Map() };
    for (const v of precommits) this.add(v);
  }

  /** Forgets the decision (a block this node did not decide itself was applied). */
  clear(): void {
    this.release();
    this.decision = null;
  }

  /**
   * Resolves once every member of the set has a precommit held for block `height` (at once when
   * this node did not decide it); the proposer waits on it for a bounded grace (driver).
   */
  whenFull(height: bigint): Promise<void> {
    const d = this.decision;
    if (!d || d.height !== height || d.votes.size === d.set.validators.length) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    for (const w of this.waiters) w();
    this.waiters = [];
  }

  /** The set to verify `vote` against when it is a precommit of the decided block not yet held. */
  setFor(vote: Vote): ValidatorSet | null {
    const d = this.decision;
    if (!d || vote.type !== 'precommit' || vote.height !== d.height || vote.round !== d.round || !vote.blockHash) return null;
    if (!equalBytes(vote.blockHash, d.blockHash) || d.votes.has(vote.validatorIndex)) return null;
    return d.set;
  }

  /** Adds a verified precommit (ignored if the decision moved on meanwhile). */
  add(vote: Vote): void {
    const d = this.decision;
    if (!d || !this.setFor(vote)) return;
    d.votes.set(vote.validatorIndex, vote);
    if (d.votes.size === d.set.validators.length) this.release();
  }

  /** The fullest certificate for block `height`, or null when this node did not decide it. */
  commitFor(height: bigint): CommitCertificate | null {
    const d = this.decision;
    if (!d || d.height !== height) return null;
    return buildCommit(d.set, d.height, d.round, d.blockHash, [...d.votes.values()]);
  }
}
