/**
 * The chain store: blocks, commits, receipts and versioned state over one LevelDB. It builds and
 * verifies candidate blocks (pure execution over the committed head) and commits a decided block
 * with everything it changes in one atomic batch. Crash-safety: docs/storage.md.
 */
import { Database, key, Prefix, WriteBatch } from '../store/db.ts';
import { StateDb, type StateCommit } from '../state/state-db.ts';
import { decodeAs, encode } from '../../protocol/encoding/cbor.ts';
import { bytes, struct, u64, uint } from '../../protocol/encoding/schema.ts';
import { equalBytes, toHex, u64be, utf8 } from '../../protocol/encoding/bytes.ts';
import { merkleRoot } from '../crypto/merkle.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { genesisHash, genesisState, type Genesis } from '../genesis.ts';
import { executeBlock, type BlockContent, type ExecResult, type Receipt } from '../exec/execute.ts';
import { getTargets } from '../modules/puzzle/state.ts';
import type { SolutionChecker } from '../modules/puzzle/solutions.ts';
import type { ChainEvent, ProofVerifier } from '../modules/types.ts';
import { decodeSolution, solutionId, type Solution } from '../../puzzle/solution.ts';
import { epochChallenge, challengeSourceHeight } from '../../puzzle/challenge.ts';
import { epochOf, getChainParams } from '../modules/chain-params.ts';
import { getActiveSet, type ActiveSet } from '../modules/validators.ts';
import { commitHash, decodeBlock, encodeBlock, headerHash, type Block, type Header } from '../types/block.ts';
import { commitSchema, type CommitCertificate } from '../../consensus/messages.ts';
import { bitmapSet, verifyCommit } from '../../consensus/commit.ts';
import { evidenceId, evidenceSchema } from '../../consensus/evidence.ts';
import { checkEvidence } from './evidence.ts';
import { checkHandoffs } from './handoffs.ts';
import { HANDOFF_MAX_BYTES, handoffId, handoffSchema } from '../modules/epoch/handoff.ts';
import { EVIDENCE_MAX_BYTES } from '../types/block.ts';
import { validatorListSchema, ValidatorSet, type Validator } from '../../consensus/validator-set.ts';
import type { StateReader } from '../state/view.ts';
import { decodeTx, type Tx } from '../tx/tx.ts';
import { blockEventsCodec, receiptsCodec } from './receipts.ts';
import { txWeight } from '../exec/ante.ts';
import type { ChainHistory, Head } from './history.ts';

/** The expensive checks block execution delegates (they keep verdict caches). */
export interface ChainServices {
  solutions: SolutionChecker;
  proofs: ProofVerifier;
}

export interface Candidate {
  block: Block;
  bytes: Uint8Array;
  hash: Uint8Array;
  txs: Tx[];
  solutions: Solution[];
  exec: ExecResult;
  state: StateCommit;
}

export interface BuildOptions {
  time: bigint;
  proposer: Uint8Array;
  lastCommit: CommitCertificate | null;
}

export interface CommittedBlock {
  block: Block;
  hash: Uint8Array;
  receipts: Receipt[];
  /** Events of the block's own work (solution payouts, market end-block), stored with it. */
  events: ChainEvent[];
  candidate: Candidate;
}

/** Every event a committed block produced: its own (end-block work), then its transactions'. */
export function blockAndTxEvents(b: CommittedBlock): ChainEvent[] {
  return [...b.events, ...b.receipts.flatMap((r) => r.events)];
}

const headSchema = struct({ height: u64, hash: bytes({ len: 32 }), time: u64 });
const txLocationSchema = struct({ height: u64, index: uint(1 << 20) });
const META_HEAD = key(Prefix.meta, utf8('head'));
const META_GENESIS = key(Prefix.meta, utf8('genesis'));

export class Chain implements ChainHistory {
  readonly state: StateDb;
  readonly genesisHash: Uint8Array;
  private headInfo: Head;
  private readonly sets = new Map<string, ValidatorSet>();
  private readonly challenges = new Map<bigint, bigint>();

  private constructor(readonly db: Database, readonly genesis: Genesis, head: Head, readonly services: ChainServices) {
    this.state = new StateDb(db);
    this.genesisHash = genesisHash(genesis);
    this.headInfo = head;
  }

  get chainId(): string {
    return this.genesis.chainId;
  }

  get head(): Head {
    return this.headInfo;
  }

  /** Opens the store, writing genesis state on first use and refusing a store of another chain. */
  static async open(db: Database, genesis: Genesis, services: ChainServices): Promise<Chain> {
    const gHash = genesisHash(genesis);
    const stored = await db.get(META_GENESIS);
    if (stored && !equalBytes(stored, gHash)) {
      throw new QuarryError('E_CONFIG', `the data directory ${db.path} belongs to another chain (genesis ${toHex(stored).slice(0, 16)}…, expected ${toHex(gHash).slice(0, 16)}…)`);
    }
    const headBytes = await db.get(META_HEAD);
    const head = headBytes ? decodeAs(headSchema, headBytes) : { height: 0n, hash: gHash, time: genesis.genesisTime };
    const chain = new Chain(db, genesis, head, services);
    if (!stored) await chain.writeGenesis();
    return chain;
  }

  private async writeGenesis(): Promise<void> {
    const empty: StateReader = { get: async () => undefined };
    const overlay = await genesisState(this.genesis, empty);
    const commit = await this.state.prepare(null, 0n, overlay.changes());
    commit.batch.put(META_GENESIS, this.genesisHash);
    commit.batch.put(META_HEAD, encode(this.headInfo));
    await this.putValidatorSet(commit.batch, await getActiveSet(overlay));
    await this.db.write(commit.batch);
  }

  /** Latest committed state (reads the flat index). */
  get latestState(): StateReader {
    return { get: (k) => this.state.latest(k), getMany: (ks) => this.state.latestMany(ks) };
  }

  async activeSet(): Promise<ActiveSet> {
    const active = await getActiveSet(this.latestState);
    return { set: this.cachedSet(active.set), priorities: active.priorities };
  }

  /** Reuses ValidatorSet objects by hash so decoded BLS keys are kept across heights. */
  private cachedSet(set: ValidatorSet): ValidatorSet {
    const id = toHex(set.hash);
    const hit = this.sets.get(id);
    if (hit) return hit;
    if (this.sets.size > 64) this.sets.clear();
    this.sets.set(id, set);
    return set;
  }

  async validatorSetByHash(hash: Uint8Array): Promise<ValidatorSet> {
    const hit = this.sets.get(toHex(hash));
    if (hit) return hit;
    const bytes = await this.db.get(key(Prefix.valset, hash));
    if (!bytes) throw new QuarryError('E_NOT_FOUND', `unknown validator set ${toHex(hash).slice(0, 16)}`);
    return this.cachedSet(new ValidatorSet(decodeAs(validatorListSchema, bytes)));
  }

  private async putValidatorSet(batch: WriteBatch, active: ActiveSet): Promise<void> {
    batch.put(key(Prefix.valset, active.set.hash), encode(active.set.validators));
  }

  /** Executes on top of the head and assembles a block (build mode: bad txs and solutions are skipped). */
  async buildBlock(content: BlockContent, opts: BuildOptions): Promise<Candidate> {
    return this.assemble(content, opts, 'build');
  }

  /** The puzzle challenge of an epoch; its seed block must be committed. */
  async challengeFor(epoch: bigint): Promise<bigint> {
    const hit = this.challenges.get(epoch);
    if (hit !== undefined) return hit;
    const { epochLength } = await getChainParams(this.latestState);
    const source = challengeSourceHeight(epoch, epochLength);
    const hash = source === 0n ? this.genesisHash : (await this.getBlock(source))?.hash;
    if (!hash) throw new QuarryError('E_NOT_FOUND', `the challenge of epoch ${epoch} needs block ${source}, which is not committed yet`);
    const challenge = epochChallenge(this.chainId, epoch, hash);
    if (this.challenges.size > 16) this.challenges.clear();
    this.challenges.set(epoch, challenge);
    return challenge;
  }

  /**
   * Checks a proposed or synced block against the head: linkage, time, contents and the full
   * re-execution. The header's proposer (who built it, and earns the proposer bonus) must be in
   * the active set: a block re-proposed in a later round keeps its original builder, as in CometBFT.
   */
  async verifyBlock(block: Block): Promise<Candidate> {
    const h = block.header;
    const head = this.headInfo;
    if (h.chainId !== this.chainId) throw new QuarryError('E_WRONG_CHAIN', `block is for chain "${h.chainId}"`);
    if (h.height !== head.height + 1n) throw new QuarryError('E_BAD_BLOCK', `block height ${h.height} does not follow the head ${head.height}`);
    if (!equalBytes(h.prevHash, head.hash)) throw new QuarryError('E_BAD_BLOCK', 'block does not extend the head (prevHash mismatch)');
    if ((await this.activeSet()).set.indexOf(h.proposer) < 0) throw new QuarryError('E_BAD_BLOCK', 'block proposer is not in the validator set');
    await this.verifyLastCommit(block);
    let content: BlockContent;
    try {
      content = {
        txs: block.txs.map((b) => decodeTx(b)),
        solutions: block.solutions.map((b) => decodeSolution(b, this.chainId)),
        evidence: block.evidence.map((b) => decodeAs(evidenceSchema, b, EVIDENCE_MAX_BYTES)),
        handoffs: block.handoffs.map((b) => decodeAs(handoffSchema, b, HANDOFF_MAX_BYTES)),
      };
    } catch (err) {
      throw new QuarryError('E_BAD_BLOCK', `block carries an undecodable transaction or solution: ${(err as Error).message}`);
    }
    const candidate = await this.assemble(content, { time: h.time, proposer: h.proposer, lastCommit: block.lastCommit }, 'verify');
    if (!equalBytes(candidate.hash, headerHash(h))) {
      const mismatch = (Object.keys(h) as Array<keyof Header>).filter((k) => toHex(encode(h[k])) !== toHex(encode(candidate.block.header[k])));
      throw new QuarryError('E_BAD_BLOCK', `block header does not match its re-execution (${mismatch.join(', ')})`);
    }
    return candidate;
  }

  private async verifyLastCommit(block: Block): Promise<void> {
    const h = block.header;
    if (h.height === 1n) {
      if (block.lastCommit !== null) throw new QuarryError('E_BAD_BLOCK', 'the first block carries no previous commit');
      return;
    }
    if (!block.lastCommit) throw new QuarryError('E_BAD_BLOCK', 'block lacks the previous block commit');
    const prev = await this.getBlock(h.height - 1n);
    if (!prev) throw new QuarryError('E_STORE', `missing block ${h.height - 1n}`);
    const set = await this.validatorSetByHash(prev.block.header.validatorSetHash);
    verifyCommit(this.chainId, set, block.lastCommit, h.height - 1n, prev.hash);
  }

  private async assemble(content: BlockContent, opts: BuildOptions, mode: 'build' | 'verify'): Promise<Candidate> {
    const head = this.headInfo;
    const height = head.height + 1n;
    if (opts.time <= head.time) throw new QuarryError('E_BAD_BLOCK', `block time ${opts.time} is not after the previous block time ${head.time}`);
    const before = await this.activeSet();
    const epoch = epochOf(height, await getChainParams(this.latestState));
    const targets = await getTargets(this.latestState);
    const puzzle = { height, epoch, challenge: await this.challengeFor(epoch), checker: this.services.solutions };
    const evidence = await checkEvidence(this, height, content.evidence, mode);
    const lastCommit = await this.lastCommitContext(opts.lastCommit);
    const handoffs = await checkHandoffs(this, content.handoffs ?? [], mode);
    const ctx = { chainId: this.chainId, height, time: opts.time, proposer: opts.proposer, puzzle, proofs: this.services.proofs, lastCommit, evidence, handoffs };
    const exec = await executeBlock(this.latestState, ctx, { ...content, evidence: evidence.map((e) => e.evidence) }, mode);
    const included = limitBlock(exec, mode);
    const after = await getActiveSet(exec.state);
    const state = await this.state.prepare(head.height, height, exec.state.changes());
    const header: Header = {
      chainId: this.chainId,
      height,
      time: opts.time,
      prevHash: head.hash,
      txRoot: merkleRoot(included.map((t) => t.hash)),
      solutionsRoot: merkleRoot(exec.solutions.map((x) => solutionId(x.body))),
      evidenceRoot: merkleRoot(evidence.map((e) => evidenceId(e.evidence))),
      handoffsRoot: merkleRoot(handoffs.map(handoffId)),
      stateRoot: state.rootHash,
      validatorSetHash: before.set.hash,
      nextValidatorSetHash: after.set.hash,
      epoch,
      coinbaseTarget: targets.coinbaseTarget,
      proofTarget: targets.proofTarget,
      proposer: opts.proposer,
      lastCommitHash: commitHash(opts.lastCommit),
    };
    const block: Block = { header, txs: included.map((t) => t.bytes), solutions: exec.solutions.map((x) => encode(x)), evidence: evidence.map((e) => encode(e.evidence)), handoffs: handoffs.map((h) => encode(h)), lastCommit: opts.lastCommit };
    await this.putValidatorSet(state.batch, after);
    return { block, bytes: encodeBlock(block), hash: headerHash(header), txs: included, solutions: exec.solutions, exec, state };
  }

  /**
   * Writes the decided block and everything it changed in one atomic batch, then moves the head.
   * Nodes call it through the block importer, which also runs the post-commit housekeeping.
   */
  async commit(candidate: Candidate, commit: CommitCertificate): Promise<void> {
    const { block, hash } = candidate;
    const height = block.header.height;
    if (height !== this.headInfo.height + 1n || !equalBytes(block.header.prevHash, this.headInfo.hash)) {
      throw new QuarryError('E_BAD_BLOCK', `candidate at height ${height} no longer extends the head ${this.headInfo.height}`);
    }
    const batch = candidate.state.batch;
    const h = u64be(height);
    batch.put(key(Prefix.block, h), candidate.bytes);
    batch.put(key(Prefix.blockHash, hash), h);
    batch.put(key(Prefix.commit, h), encode(commit));
    batch.put(key(Prefix.receipts, h), receiptsCodec.encode(candidate.exec.receipts));
    if (candidate.exec.events.length > 0) batch.put(key(Prefix.blockEvents, h), blockEventsCodec.encode(candidate.exec.events));
    candidate.txs.forEach((tx, index) => batch.put(key(Prefix.tx, tx.hash), encode({ height, index })));
    const head: Head = { height, hash, time: block.header.time };
    batch.put(META_HEAD, encode(head));
    await this.db.write(batch);
    this.headInfo = head;
  }

  /** Who signed the previous block's commit, against that block's validator set. */
  private async lastCommitContext(commit: CommitCertificate | null): Promise<{ members: readonly Validator[]; signed: boolean[] } | null> {
    if (!commit) return null;
    const prev = await this.getBlock(commit.height);
    if (!prev) return null;
    const set = await this.validatorSetByHash(prev.block.header.validatorSetHash);
    return { members: set.validators, signed: set.validators.map((_, i) => bitmapSet(commit.signers, i)) };
  }

  async getBlock(height: bigint): Promise<{ block: Block; hash: Uint8Array } | undefined> {
    if (height < 1n || height > this.headInfo.height) return undefined;
    const bytes = await this.db.get(key(Prefix.block, u64be(height)));
    if (!bytes) return undefined;
    const block = decodeBlock(bytes);
    return { block, hash: headerHash(block.header) };
  }

  /** A block's stored canonical bytes (what peers are served). */
  async getBlockBytes(height: bigint): Promise<Uint8Array | undefined> {
    if (height < 1n || height > this.headInfo.height) return undefined;
    return this.db.get(key(Prefix.block, u64be(height)));
  }

  async heightOfHash(hash: Uint8Array): Promise<bigint | undefined> {
    const h = await this.db.get(key(Prefix.blockHash, hash));
    return h ? new DataView(h.buffer, h.byteOffset).getBigUint64(0) : undefined;
  }

  async getCommit(height: bigint): Promise<CommitCertificate | undefined> {
    const bytes = await this.db.get(key(Prefix.commit, u64be(height)));
    return bytes ? decodeAs(commitSchema, bytes) : undefined;
  }

  /** Block-level events of a committed block (not those of its transactions: see receipts). */
  async getBlockEvents(height: bigint): Promise<ChainEvent[]> {
    const bytes = await this.db.get(key(Prefix.blockEvents, u64be(height)));
    return bytes ? blockEventsCodec.decode(bytes) : [];
  }

  async getReceipts(height: bigint): Promise<Receipt[]> {
    const bytes = await this.db.get(key(Prefix.receipts, u64be(height)));
    return bytes ? receiptsCodec.decode(bytes) : [];
  }

  async getTx(hash: Uint8Array): Promise<{ tx: Tx; height: bigint; index: number; receipt: Receipt } | undefined> {
    const loc = await this.db.get(key(Prefix.tx, hash));
    if (!loc) return undefined;
    const { height, index } = decodeAs(txLocationSchema, loc);
    const found = await this.getBlock(height);
    const bytes = found?.block.txs[index];
    if (!bytes) return undefined;
    const receipt = (await this.getReceipts(height))[index];
    // receipts are written in the block's batch, so a missing one is a damaged store
    if (!receipt) throw new QuarryError('E_STORE', `block ${height} has no receipt for transaction ${index}`);
    return { tx: decodeTx(bytes), height, index, receipt };
  }
}

/** Enforces block size and weight limits: the builder must have respected them; a block that does not is invalid. */
function limitBlock(exec: ExecResult, mode: 'build' | 'verify'): Tx[] {
  const { maxBlockTxs, maxBlockBytes, maxBlockWeight } = exec.params;
  let bytesUsed = 0n;
  let weight = 0n;
  let count = 0n;
  for (const tx of exec.included) {
    bytesUsed += BigInt(tx.bytes.length);
    weight += txWeight(tx);
    count += 1n;
    if (count > maxBlockTxs || bytesUsed > maxBlockBytes || weight > maxBlockWeight) {
      if (mode === 'verify') throw new QuarryError('E_BAD_BLOCK', 'block exceeds maxBlockTxs, maxBlockBytes or maxBlockWeight');
      throw new QuarryError('E_INTERNAL', 'block builder was given more transactions than fit a block');
    }
  }
  return exec.included;
}

