/**
 * The shell around the pure consensus engine: it feeds verified messages and timer events in, and
 * performs the engine's effects (build a block from the mempool, sign with double-sign protection,
 * broadcast, set timers, commit decided blocks). Inputs are processed one at a time in order.
 */
import type { Logger } from 'pino';
import { Engine, type EngineEffect, type EngineInput, type Timeouts } from '../../consensus/engine.ts';
import { buildCommit } from '../../consensus/commit.ts';
import type { CommitCertificate, Proposal, Vote } from '../../consensus/messages.ts';
import type { ValidatorSet } from '../../consensus/validator-set.ts';
import { validProposal } from './verify-messages.ts';
import { VoteBatcher } from './vote-batcher.ts';
import { LatePrecommits } from './late-precommits.ts';
import { BuildCost } from './build-cost.ts';
import { FutureBuffer } from './future-buffer.ts';
import type { ConsensusGossip, VotesResponse } from '../p2p/messages.ts';
import type { Verdict } from '../p2p/network.ts';
import { equalBytes, toHex } from '../../protocol/encoding/bytes.ts';
import { asQuarryError, type QuarryError } from '../../protocol/errors.ts';
import type { Candidate, Chain } from '../chain/chain.ts';
import type { BlockBuilder } from '../chain/block-builder.ts';
import type { Mempool } from '../mempool/mempool.ts';
import type { SolutionPool } from '../puzzle/pool.ts';
import type { EvidencePool } from './evidence-pool.ts';
import type { HandoffPool } from './handoff-pool.ts';
import type { BlockImporter } from '../services/importer.ts';
import { MAX_BLOCK_HANDOFFS } from '../modules/epoch/handoff.ts';
import { makeEvidence, type Evidence } from '../../consensus/evidence.ts';
import { BLOCK_DECODE_CAP, MAX_BLOCK_EVIDENCE } from '../types/block.ts';
import { getPuzzleParams } from '../modules/puzzle/state.ts';
import { decodeBlock, headerHash, type Block } from '../types/block.ts';
import { getChainParams } from '../modules/chain-params.ts';
import { DoubleSignError, type ValidatorSigner } from './signer.ts';
import type { ConsensusStep } from '../../protocol/rpc-types.ts';

export interface ConsensusNetwork {
  broadcastProposal(proposal: Proposal, block: Uint8Array): void;
  broadcastVote(vote: Vote): void;
  broadcastEvidence(evidence: Evidence): void;
}

export interface DriverConfig {
  /** Target time between blocks; the next height starts this long after the last block's time. */
  blockTimeMs: number;
  timeouts: Timeouts;
  /**
   * Percent of the propose timeout a proposer may spend building its block, state root and encoding
   * included (docs/consensus.md §proposal budget): a block that takes longer to build than the
   * others wait for it arrives after they prevoted nil, and the next proposer builds another such
   * block. Config key consensus.proposalBudgetPercent (node/config.ts).
   */
  proposalBudgetPercent: number;
}

export interface DriverOptions {
  /** Builds this validator's proposals and verifies others' (its store is the chain). */
  builder: BlockBuilder;
  mempool: Mempool;
  solutions: SolutionPool;
  evidence: EvidencePool;
  handoffs: HandoffPool;
  /** Commits decided and synced blocks and runs the post-commit housekeeping. */
  importer: BlockImporter;
  signer: ValidatorSigner | null;
  config: DriverConfig;
  log: Logger;
  network?: ConsensusNetwork;
  /** Asks peers for what they hold at a height (lost messages must not stall a round). */
  catchUp?: (height: bigint) => void;
  /** Called when this node's own storage fails (E_STORE): it cannot safely go on. */
  fatal?: (err: QuarryError) => void;
  /** Charges a peer whose buffered message failed verification when its height started. */
  penalize?: (peer: string, reason: string) => void;
  now?: () => number;
  /** Timings for the node's metrics: each round's duration, each block's execution (build or verify). */
  observe?: { round(seconds: number): void; execution(phase: 'build' | 'verify', seconds: number): void };
}

/** Proposals whose block time is further ahead of this node's clock are invalid. */
export const MAX_CLOCK_DRIFT_MS = 2_000;

const CATCH_UP_MS = 1000;
/** Block bytes one catch-up answer may carry (the asker reads up to twice BLOCK_DECODE_CAP). */
const HELD_PROPOSAL_BYTES = BLOCK_DECODE_CAP;

export class ConsensusDriver {
  private readonly engine: Engine;
  private readonly candidates = new Map<string, Candidate>();
  private readonly future = new FutureBuffer();
  private queue: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private lastCommit: CommitCertificate | null = null;
  private readonly late = new LatePrecommits();
  private readonly buildCost = new BuildCost();
  private running = false;
  private started = false;
  /** When the round in progress started (this node's clock), for the round-duration metric. */
  private roundStartedAt: number | null = null;
  private ticker: NodeJS.Timeout | null = null;
  readonly votes: VoteBatcher;
  private readonly now: () => number;
  private readonly chain: Chain;

  constructor(private readonly o: DriverOptions) {
    this.chain = o.builder.chain;
    const selfKey = o.signer?.publicKey;
    this.engine = new Engine((set) => (selfKey ? indexOfKey(set, selfKey) : null), o.config.timeouts);
    this.now = o.now ?? Date.now;
    this.votes = new VoteBatcher(this.chain.chainId);
  }

  get height(): bigint {
    return this.engine.height;
  }

  get round(): number {
    return this.engine.round;
  }

  /** The engine's step, or 'commit' once the height is decided and its block is being committed (what /status reports). */
  get step(): ConsensusStep {
    return this.engine.isDecided ? 'commit' : this.engine.step;
  }

  async start(): Promise<void> {
    this.running = true;
    // Messages published before gossip meshes form (or dropped on the way) could leave a step
    // waiting for votes that will never be re-sent, with no timer running: keep asking peers.
    this.ticker = setInterval(() => {
      if (this.started && !this.engine.isDecided) this.o.catchUp?.(this.engine.height);
    }, CATCH_UP_MS);
    const head = this.chain.head;
    if (head.height > 0n) this.lastCommit = (await this.chain.getCommit(head.height)) ?? null;
    this.scheduleNextHeight();
  }

  stop(): void {
    this.running = false;
    if (this.ticker) clearInterval(this.ticker);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Resolves when every queued input has been processed (tests and shutdown). */
  async idle(): Promise<void> {
    await this.queue;
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((err) => {
      const e = asQuarryError(err);
      if (e.code === 'E_STORE') this.o.fatal?.(e);
      else this.o.log.error({ err: e.message }, 'consensus task failed');
    });
  }

  private later(ms: number, task: () => Promise<void>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.running) this.enqueue(task);
    }, Math.max(0, ms));
    this.timers.add(t);
  }

  private scheduleNextHeight(): void {
    const head = this.chain.head;
    const wait = head.height === 0n ? 0 : Number(head.time) + this.o.config.blockTimeMs - this.now();
    this.later(wait, () => this.startHeight());
  }

  /** The engine runs the height after the head (not one a decision or a synced block ended). */
  private get onNextHeight(): boolean {
    return this.started && this.engine.height === this.chain.head.height + 1n;
  }

  private async startHeight(): Promise<void> {
    // a start already queued when a synced block scheduled another must not restart the height:
    // that would drop every vote collected for it (gossip does not repeat them)
    if (this.onNextHeight) return;
    const { set, priorities } = await this.chain.activeSet();
    this.candidates.clear();
    this.started = true;
    await this.perform(this.engine.startHeight(this.chain.head.height + 1n, set, priorities));
    await this.replayBuffered();
  }

  private async input(input: EngineInput): Promise<void> {
    // inputs queued before a synced block replaced the height belong to a height that is over
    if (!this.onNextHeight) return;
    await this.perform(this.engine.handle(input));
  }

  private async perform(effects: EngineEffect[]): Promise<void> {
    for (const effect of effects) {
      try {
        await this.performOne(effect);
      } catch (err) {
        if (err instanceof DoubleSignError) this.o.log.warn({ reason: err.message }, 'signer refused');
        else throw err;
      }
    }
  }

  private async performOne(effect: EngineEffect): Promise<void> {
    switch (effect.kind) {
      case 'newRound':
        if (effect.round > 0) {
          this.observeRound();
          // what the failed round saw says why it failed: no proposal, split prevotes, missing votes
          const last = this.engine.describeRound(effect.round - 1);
          this.o.log.info({ height: effect.height.toString(), round: effect.round, ...last }, 'new round');
          this.o.catchUp?.(effect.height);
        }
        this.roundStartedAt = this.now();
        return;
      case 'getValue':
        return this.buildProposal(effect.height, effect.round);
      case 'propose': {
        const proposal = this.o.signer!.signProposal(effect.proposal);
        const candidate = this.candidates.get(toHex(proposal.blockHash))!;
        this.o.network?.broadcastProposal(proposal, candidate.bytes);
        return this.input({ kind: 'proposal', proposal, valid: true });
      }
      case 'vote': {
        const vote = this.o.signer!.signVote(effect.vote);
        this.o.network?.broadcastVote(vote);
        return this.input({ kind: 'vote', vote });
      }
      case 'scheduleTimeout': {
        const { step, height, round } = effect;
        this.later(effect.ms, async () => {
          // a round that times out may be missing messages that were lost on the way: ask peers
          this.o.catchUp?.(height);
          await this.input({ kind: 'timeout', step, height, round });
        });
        return;
      }
      case 'decide':
        return this.decide(effect.height, effect.round, effect.blockHash, effect.precommits);
      case 'equivocation': {
        const evidence = makeEvidence(effect.first, effect.second);
        if (this.o.evidence.add(evidence)) {
          this.o.log.warn({ validator: effect.first.validatorIndex, height: effect.first.height.toString(), round: effect.first.round }, 'double sign observed; evidence recorded');
          this.o.network?.broadcastEvidence(evidence);
        }
        return;
      }
    }
  }

  private observeRound(): void {
    if (this.roundStartedAt !== null) this.o.observe?.round((this.now() - this.roundStartedAt) / 1000);
    this.roundStartedAt = null;
  }

  /**
   * How long a round-0 proposer waits past the block time for precommits of the last block still
   * missing (docs/consensus.md §commit certificate): a quarter of the propose timeout, so that with
   * the build budget it leaves a quarter for the block to travel before the others, whose propose
   * timers started with the height, give up on it. It costs nothing when every
   * validator is live, and delays this node's proposals by the grace while one is down.
   */
  private async awaitLatePrecommits(round: number): Promise<void> {
    const grace = this.o.config.timeouts.propose / 4;
    if (round > 0 || grace <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.late.whenFull(this.chain.head.height), new Promise((r) => (timer = setTimeout(r, grace)))]);
    clearTimeout(timer);
  }

  private async buildProposal(height: bigint, round: number): Promise<void> {
    await this.awaitLatePrecommits(round);
    if (!this.running) return;
    const { chain } = this;
    const set = this.engine.validatorSet();
    const limits = await getChainParams(chain.latestState);
    const txs = this.o.mempool.reap({ maxTxs: Number(limits.maxBlockTxs), maxBytes: Number(limits.maxBlockBytes), maxWeight: limits.maxBlockWeight });
    const solutions = await this.o.solutions.reap(Number((await getPuzzleParams(chain.latestState)).maxSolutionsPerBlock));
    const proposer = set.validators[this.engine.proposerOf(round)]!.address;
    const time = BigInt(Math.max(this.now(), Number(chain.head.time) + 1));
    const evidence = this.o.evidence.reap(MAX_BLOCK_EVIDENCE);
    const handoffs = this.o.handoffs.reap(MAX_BLOCK_HANDOFFS);
    const lastCommit = this.late.commitFor(chain.head.height) ?? this.lastCommit;
    const started = this.now();
    const budgetMs = (this.o.config.timeouts.propose * this.o.config.proposalBudgetPercent) / 100;
    const maxTxs = this.buildCost.maxTxs(budgetMs);
    const full = (included: number) => included >= maxTxs || this.now() > started + budgetMs;
    const beacon = this.o.signer!.signBeacon(height);
    const candidate = await this.o.importer.gate.during(() => this.o.builder.buildBlock({ txs, solutions, evidence, handoffs }, { time, proposer, lastCommit, full, beacon }));
    const ms = this.now() - started;
    this.buildCost.observe(ms, candidate.txs.length);
    this.o.observe?.execution('build', ms / 1000);
    if (candidate.exec.rejected.length > 0) this.o.mempool.removeTxs(candidate.exec.rejected.map((r) => r.tx));
    if (candidate.exec.rejectedSolutions.length > 0) this.o.solutions.remove(candidate.exec.rejectedSolutions.map((r) => r.solution));
    this.candidates.set(toHex(candidate.hash), candidate);
    await this.input({ kind: 'proposeValue', height, round, blockHash: candidate.hash });
  }

  private async decide(height: bigint, round: number, blockHash: Uint8Array, precommits: Vote[]): Promise<void> {
    this.observeRound();
    const candidate = this.candidates.get(toHex(blockHash));
    if (!candidate) throw new Error(`decided block ${toHex(blockHash).slice(0, 16)} is not known locally`);
    const set = this.engine.validatorSet();
    const commit = buildCommit(set, height, round, blockHash, precommits);
    // collect from now on: precommits arriving while the block is imported were dropped before
    this.late.decided(set, height, round, blockHash, precommits);
    await this.o.importer.importDecided(candidate, commit);
    this.lastCommit = commit;
    this.attestDecided(set, height, round, blockHash, precommits);
    this.candidates.clear();
    this.o.log.info({ height: height.toString(), hash: toHex(blockHash).slice(0, 16), txs: candidate.txs.length, solutions: candidate.solutions.length, round }, 'committed block');
    if (this.running) this.scheduleNextHeight();
  }

  /**
   * A consensus message from a peer. Messages of the current height are signature-checked here so
   * the network can reject bad ones before relaying them; messages of the next height wait in a
   * bounded per-peer buffer and are checked when their height starts; old and further-future ones
   * are dropped (block sync fetches what a node is missing).
   */
  async onGossip(msg: ConsensusGossip, from: string): Promise<Verdict> {
    if (msg.type === 'vote' && this.late.setFor(msg.vote)) return this.onLatePrecommit(msg.vote);
    const height = msg.type === 'vote' ? msg.vote.height : msg.proposal.height;
    if (height <= this.chain.head.height) return 'ignore';
    if (!this.started || height > this.engine.height || this.engine.isDecided) {
      this.future.add(height, msg, from, this.chain.head.height + 2n);
      return 'ignore';
    }
    const set = this.engine.validatorSet();
    const chainId = this.chain.chainId;
    if (msg.type === 'vote') {
      if (this.engine.knows(msg.vote)) return 'ignore'; // a BLS check costs ~27 ms: never twice
      if (!(await this.votes.verify(set, msg.vote))) return 'reject';
      this.enqueue(() => (msg.vote.height === this.engine.height ? this.input({ kind: 'vote', vote: msg.vote }) : Promise.resolve()));
    } else {
      if (this.engine.proposalOf(msg.proposal.round)) return 'ignore';
      // a past round's block is executed only if it can still matter: under load, catch-up answers
      // carry every round's proposal, and verifying each stalled the queue for seconds per round
      if (msg.proposal.round < this.engine.round && !this.engine.backed(msg.proposal.round, msg.proposal.blockHash)) return 'ignore';
      if (!validProposal(chainId, set, msg.proposal)) return 'reject';
      this.enqueue(() => this.onProposal(msg.proposal, msg.block));
    }
    return 'accept';
  }

  /**
   * A validator that finished verifying the block only after the others' precommits formed a
   * quorum decides at once (engine L49) without having precommitted, and so looked absent to the
   * downtime count although it was live. It signs a precommit for the decided block now: no
   * conflict is possible (the block is decided in that round; the signer refuses anything below
   * its last step), and the next proposer's late-precommit collection carries it.
   */
  private attestDecided(set: ValidatorSet, height: bigint, round: number, blockHash: Uint8Array, precommits: Vote[]): void {
    const signer = this.o.signer;
    const index = signer ? indexOfKey(set, signer.publicKey) : null;
    if (!signer || index === null || precommits.some((v) => v.validatorIndex === index)) return;
    try {
      const vote = signer.signVote({ type: 'precommit', height, round, blockHash, validatorIndex: index });
      this.late.add(vote);
      this.o.network?.broadcastVote(vote);
    } catch (err) {
      if (!(err instanceof DoubleSignError)) throw err;
    }
  }

  private async onLatePrecommit(vote: Vote): Promise<Verdict> {
    if (!(await this.votes.verify(this.late.setFor(vote)!, vote))) return 'reject';
    this.late.add(vote);
    return 'accept';
  }

  /** Messages buffered for coming heights (for metrics and tests). */
  get buffered(): number {
    return this.future.size;
  }

  /**
   * Replays buffered messages of the height that just started (they are verified now). A peer
   * whose message fails is charged and the rest of its messages are dropped unverified, so junk
   * costs at most one signature check per peer and height.
   */
  private async replayBuffered(): Promise<void> {
    const height = this.engine.height;
    const failed = new Set<string>();
    for (const { msg, from } of this.future.take(height)) {
      if (failed.has(from)) continue;
      if ((await this.onGossip(msg, from)) !== 'reject') continue;
      failed.add(from);
      this.o.penalize?.(from, `invalid consensus message buffered for height ${height}`);
    }
  }

  /**
   * What this node holds for a height, for peers catching up (proposals with blocks, and votes).
   * Proposals go newest round first within a byte budget, so an answer always fits the asker's
   * read limit however large blocks are (whole proposals of every round did not).
   */
  held(height: bigint): VotesResponse {
    if (height !== this.engine.height || !this.started) return { proposals: [], votes: [] };
    const proposals = [];
    let bytes = 0;
    for (let r = this.engine.round; r >= 0; r--) {
      const p = this.engine.proposalOf(r);
      const c = p && this.candidates.get(toHex(p.blockHash));
      if (!p || !c) continue;
      if (bytes + c.bytes.length > HELD_PROPOSAL_BYTES) break;
      bytes += c.bytes.length;
      proposals.push({ proposal: p, block: c.bytes });
    }
    return { proposals, votes: this.engine.heldVotes() };
  }

  /** Feeds what a peer held for the current height through the normal checks. */
  async absorb(res: VotesResponse, from: string): Promise<void> {
    for (const { proposal, block } of res.proposals) await this.onGossip({ type: 'proposal', proposal, block }, from);
    for (const vote of res.votes) await this.onGossip({ type: 'vote', vote }, from);
  }

  /** A block finalized elsewhere (block sync): apply it in order with consensus, then move on. */
  applySynced(block: Block, commit: CommitCertificate, durable = true): Promise<void> {
    return new Promise((resolve, reject) => {
      this.enqueue(async () => {
        try {
          if (block.header.height !== this.chain.head.height + 1n) return resolve();
          await this.o.importer.importSynced(block, commit, durable);
          this.lastCommit = commit;
          this.late.clear();
          this.candidates.clear();
          for (const t of this.timers) clearTimeout(t);
          this.timers.clear();
          this.started = false;
          if (this.running) this.scheduleNextHeight();
          resolve();
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  private async onProposal(proposal: Proposal, blockBytes: Uint8Array): Promise<void> {
    if (proposal.height !== this.engine.height || this.engine.isDecided) return;
    // The block must be the one the proposer signed; a mismatching body is a relay fault and is
    // dropped without marking the (validly signed) proposal invalid.
    let block: Block;
    try {
      block = decodeBlock(blockBytes);
    } catch {
      return;
    }
    if (!equalBytes(headerHash(block.header), proposal.blockHash)) return;
    // the same block re-proposed in a later round (its locked value) was executed already
    if (this.candidates.has(toHex(proposal.blockHash))) return this.input({ kind: 'proposal', proposal, valid: true });
    let valid = false;
    try {
      if (block.header.time > BigInt(this.now() + MAX_CLOCK_DRIFT_MS)) throw new Error('block time is too far in the future');
      const started = this.now();
      const candidate = await this.o.importer.gate.during(() => this.o.builder.verifyBlock(block, (hash) => this.o.mempool.get(hash)));
      this.candidates.set(toHex(candidate.hash), candidate);
      valid = true;
      // slower than the propose timeout: the others may have prevoted nil before this node could
      const ms = this.now() - started;
      this.o.observe?.execution('verify', ms / 1000);
      if (ms > this.o.config.timeouts.propose) this.o.log.info({ height: proposal.height.toString(), round: proposal.round, ms, txs: block.txs.length, bytes: blockBytes.length }, 'slow proposal verification');
    } catch (err) {
      this.o.log.warn({ err: asQuarryError(err).message, height: proposal.height.toString() }, 'rejected proposed block');
    }
    await this.input({ kind: 'proposal', proposal, valid });
  }
}

function indexOfKey(set: ValidatorSet, blsPubKey: Uint8Array): number | null {
  const i = set.validators.findIndex((v) => equalBytes(v.blsPubKey, blsPubKey));
  return i < 0 ? null : i;
}
