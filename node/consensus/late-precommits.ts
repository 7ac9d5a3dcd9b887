/**
 * Precommits for the block this node decided that arrive after the decision (docs/consensus.md
 * §commit certificate). The decision needs only the first votes past 2/3, but downtime is counted
 * from the signers of the certificate the next block carries: built from the minimal set, a
 * slow-but-live validator looked absent in a quarter of the blocks and got jailed. Like CometBFT,
 * the node keeps collecting while it waits out the block time, and proposes with all of them.
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

  /** Starts collecting for a block just decided, from the precommits that decided it. */
  decided(set: ValidatorSet, height: bigint, round: number, blockHash: Uint8Array, precommits: Vote[]): void {
    this.decision = { set, height, round, blockHash, votes: new Map() };
    for (const v of precommits) this.add(v);
  }

  /** Forgets the decision (a block this node did not decide itself was applied). */
  clear(): void {
    this.decision = null;
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
    if (this.setFor(vote)) this.decision!.votes.set(vote.validatorIndex, vote);
  }

  /** The fullest certificate for block `height`, or null when this node did not decide it. */
  commitFor(height: bigint): CommitCertificate | null {
    const d = this.decision;
    if (!d || d.height !== height) return null;
    return buildCommit(d.set, d.height, d.round, d.blockHash, [...d.votes.values()]);
  }
}
