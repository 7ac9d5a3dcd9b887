/** A real consensus driver over a test chain with its own pools and importer (no network unless given). */
import { ConsensusDriver, type DriverOptions } from '../../node/consensus/driver.ts';
import { SolutionPool } from '../../node/puzzle/pool.ts';
import { EvidencePool } from '../../node/consensus/evidence-pool.ts';
import { HandoffPool } from '../../node/consensus/handoff-pool.ts';
import { BlockImporter } from '../../node/services/importer.ts';
import { createLogger } from '../../node/log.ts';
import { DEFAULT_PROPOSAL_BUDGET_PERCENT } from '../../node/config.ts';
import { testChecker, type TestChain } from './chain.ts';
import { poolFor } from './mempool.ts';

/** Round timeouts that never fire during a test: heights advance only by what the test feeds. */
export const PATIENT = { blockTimeMs: 0, timeouts: { propose: 60_000, prevote: 60_000, precommit: 60_000, delta: 0 }, proposalBudgetPercent: DEFAULT_PROPOSAL_BUDGET_PERCENT };

export function testDriver(t: TestChain, o: Pick<DriverOptions, 'signer' | 'config'> & Partial<Pick<DriverOptions, 'network' | 'penalize' | 'log'>>): ConsensusDriver {
  const pools = { mempool: poolFor(t), solutions: new SolutionPool(t.chain, testChecker), evidence: new EvidencePool(), handoffs: new HandoffPool() };
  return new ConsensusDriver({ builder: t.builder, ...pools, importer: new BlockImporter(t.chain, t.builder, pools), log: createLogger({ level: 'silent', format: 'json' }), ...o });
}
