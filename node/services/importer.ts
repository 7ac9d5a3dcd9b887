/**
 * The one commit pipeline. Every block this node commits comes through here, whether its own
 * consensus decided it or block sync fetched it: the block and its state changes are written in
 * one batch, then the pools are brought in line with the new head (the mempool drops what the
 * block included or made invalid, the solution, evidence and handoff pools forget what it
 * carried), and only then is the block announced. Housekeeping that lived beside one path only
 * let a full node keep included transactions pending forever (docs/storage.md §commit pipeline).
 */
import { EventEmitter } from 'node:events';
import type { CommitCertificate } from '../../consensus/messages.ts';
import type { Block } from '../types/block.ts';
import type { Candidate, Chain, CommittedBlock } from '../chain/chain.ts';
import { verifySynced } from '../chain/apply-synced.ts';
import type { BlockBuilder } from '../chain/block-builder.ts';
import type { Mempool } from '../mempool/mempool.ts';
import type { SolutionPool } from '../puzzle/pool.ts';
import type { EvidencePool } from '../consensus/evidence-pool.ts';
import type { HandoffPool } from '../consensus/handoff-pool.ts';
import { getStakingParams } from '../modules/staking/state.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { AdmissionGate } from './admission-gate.ts';

export interface ImporterPools {
  mempool: Mempool;
  solutions: SolutionPool;
  evidence: EvidencePool;
  handoffs: HandoffPool;
}

export class BlockImporter extends EventEmitter<{ block: [CommittedBlock]; fatal: [QuarryError] }> {
  constructor(
    private readonly chain: Chain,
    private readonly builder: BlockBuilder,
    private readonly pools: ImporterPools,
    /** Shared with transaction admission, which waits while a block is verified or committed. */
    readonly gate = new AdmissionGate(),
  ) {
    super();
  }

  /** Commits a block this node's consensus decided (it was executed when proposed or verified). */
  async importDecided(candidate: Candidate, commit: CommitCertificate, durable = true): Promise<void> {
    await this.gate.during(async () => {
      await this.chain.commit(candidate, commit, durable).catch((err: unknown) => {
        // the node cannot go on without its store (docs/storage.md §storage failures)
        if (err instanceof QuarryError && err.code === 'E_STORE') this.emit('fatal', err);
        throw err;
      });
      await this.afterCommit(candidate);
    });
    this.emit('block', { block: candidate.block, hash: candidate.hash, receipts: candidate.exec.receipts, events: candidate.exec.events, candidate });
  }

  /**
   * Verifies and commits a block finalized elsewhere (block sync); `durable: false` within a
   * synced range, whose last block is written durably (docs/storage.md §sync writes).
   */
  async importSynced(block: Block, commit: CommitCertificate, durable = true): Promise<Candidate> {
    const candidate = await this.gate.during(() => verifySynced(this.builder, block, commit, (hash) => this.pools.mempool.get(hash)));
    await this.importDecided(candidate, commit, durable);
    return candidate;
  }

  private async afterCommit(c: Candidate): Promise<void> {
    const { mempool, solutions, evidence, handoffs } = this.pools;
    const state = this.chain.latestState;
    await mempool.recheck();
    await solutions.onCommitted(c.solutions);
    evidence.remove(c.exec.evidence);
    // evidence from before this height can no longer be included in the next block
    evidence.prune(c.block.header.height + 1n - (await getStakingParams(state)).maxEvidenceAge);
    await handoffs.prune(state);
  }
}
