/**
 * What building a block costs this proposer per transaction (docs/consensus.md §proposal budget),
 * measured on its own builds: execution, the state root, end-of-block work and encoding together.
 * The wall-clock deadline alone bounded only the transaction loop; the state root and encoding
 * came after it, so a loaded proposer built 1,700-transaction blocks in over a second and the
 * others prevoted nil before they arrived. Capping the count by the measured cost bounds the whole
 * build. Local and advisory: the proposer's choice of contents, never a validity rule.
 */

/** Builds with fewer transactions say little about the per-transaction cost (fixed costs dominate). */
const MIN_SAMPLE_TXS = 10;
/** Weight of the newest build in the running estimate. */
const NEWEST_WEIGHT = 0.3;

export class BuildCost {
  /** Milliseconds per transaction; the first guess is a quiet machine's (≈ 2,000 transfers/s). */
  private msPerTx = 0.5;

  /** Records one build: its whole duration and how many transactions it included. */
  observe(ms: number, txs: number): void {
    if (txs < MIN_SAMPLE_TXS || !(ms >= 0)) return;
    this.msPerTx = (1 - NEWEST_WEIGHT) * this.msPerTx + NEWEST_WEIGHT * (ms / txs);
  }

  /** Transactions a build may include to finish within `budgetMs` (at least one). */
  maxTxs(budgetMs: number): number {
    return Math.max(1, Math.floor(budgetMs / this.msPerTx));
  }
}
