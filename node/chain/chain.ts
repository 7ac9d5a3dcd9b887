/**
 * The chain store: blocks, commits, receipts, events and versioned state over one LevelDB. It
 * commits a decided block (a Candidate the block builder assembled) with everything it changes in
 * one atomic batch, and answers the history queries. Crash-safety: docs/storage.md.
 */
import { Database, key, Prefix, WriteBatch } from '../store/db.ts';
import { Lru } from '../store/lru.ts';
import { StateDb, type StateCommit } from '../state/state-db.ts';
import { decodeAs, encode } from '../../protocol/encoding/cbor.ts';
import { bytes, struct, u64, uint } from '../../protocol/encoding/schema.ts';
import { equalBytes, toHex, u64be, utf8, u32be } from '../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { genesisHash, genesisState, type Genesis } from '../genesis.ts';
import { type ExecResult, type Receipt } from '../exec/execute.ts';
import type { ChainEvent } from '../modules/types.ts';
import { type Solution } from '../../puzzle/solution.ts';
import { epochChallenge, challengeSourceHeight } from '../../puzzle/challenge.ts';
import { getChainParams } from '../modules/chain-params.ts';
import { getActiveSet, type ActiveSet } from '../modules/validators.ts';
import { decodeBlock, headerHash, type Block } from '../types/block.ts';
import { commitSchema, type CommitCertificate } from '../../consensus/messages.ts';
import { validatorListSchema, ValidatorSet } from '../../consensus/validator-set.ts';
import type { StateReader } from '../state/view.ts';
import { decodeTx, type Tx } from '../tx/tx.ts';
import { blockEventsCodec, receiptsCodec } from './receipts.ts';
import type { ChainHistory, Head } from './history.ts';

/** A block executed on top of the head, with its state changes staged: what `commit` writes. */
export interface Candidate {
  block: Block;
  bytes: Uint8Array;
  hash: Uint8Array;
  txs: Tx[];
  solutions: Solution[];
  exec: ExecResult;
  state: StateCommit;
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
/** Above every (height ‖ index) suffix of the sender index. */
const AFTER_ANY_LOCATION = new Uint8Array(12).fill(0xff);

export class Chain implements ChainHistory {
  readonly state: StateDb;
  readonly genesisHash: Uint8Array;
  private headInfo: Head;
  private readonly sets = new Map<string, ValidatorSet>();
  private readonly challenges = new Map<bigint, bigint>();
  private readonly receiptsCache = new Lru<bigint, Receipt[]>(32);
  /** The head block as committed: the next block's checks read it twice (its commit, its set). */
  private headBlock: { block: Block; hash: Uint8Array } | null = null;

  private constructor(readonly db: Database, readonly genesis: Genesis, head: Head) {
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
  static async open(db: Database, genesis: Genesis): Promise<Chain> {
    const gHash = genesisHash(genesis);
    const stored = await db.get(META_GENESIS);
    if (stored && !equalBytes(stored, gHash)) {
      throw new QuarryError('E_CONFIG', `the data directory ${db.path} belongs to another chain (genesis ${toHex(stored).slice(0, 16)}…, expected ${toHex(gHash).slice(0, 16)}…)`);
    }
    const headBytes = await db.get(META_HEAD);
    const head = headBytes ? decodeAs(headSchema, headBytes) : { height: 0n, hash: gHash, time: genesis.genesisTime };
    const chain = new Chain(db, genesis, head);
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
    this.state.committed(commit);
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

  /** Adds a validator set to a commit's batch (blocks name sets by hash). */
  async putValidatorSet(batch: WriteBatch, active: ActiveSet): Promise<void> {
    batch.put(key(Prefix.valset, active.set.hash), encode(active.set.validators));
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
   * Writes the decided block and everything it changed in one atomic batch, then moves the head.
   * Nodes call it through the block importer, which also runs the post-commit housekeeping.
   * `durable: false` only for a synced block that is not the last of its range (Database.write).
   */
  async commit(candidate: Candidate, commit: CommitCertificate, durable = true): Promise<void> {
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
    candidate.txs.forEach((tx, index) => {
      batch.put(key(Prefix.tx, tx.hash), encode({ height, index }));
      batch.put(key(Prefix.txBySender, tx.sender, h, u32be(index)), tx.hash);
    });
    const head: Head = { height, hash, time: block.header.time };
    batch.put(META_HEAD, encode(head));
    await this.db.write(batch, durable);
    this.state.committed(candidate.state);
    this.headInfo = head;
    this.headBlock = { block, hash };
  }

  /** A committed block; callers must not modify it (the head block is shared, not decoded again). */
  async getBlock(height: bigint): Promise<{ block: Block; hash: Uint8Array } | undefined> {
    if (height < 1n || height > this.headInfo.height) return undefined;
    if (height === this.headInfo.height && this.headBlock) return this.headBlock;
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

  /**
   * A committed block's receipts. Committed heights never change (BFT finality), so recent
   * answers are kept decoded: a flood block's receipts are ~0.9 MB of transfer events, and every
   * lookup of one of its transactions decoded them all again. Callers must not modify them.
   */
  async getReceipts(height: bigint): Promise<Receipt[]> {
    const cached = this.receiptsCache.get(height);
    if (cached) return cached;
    const bytes = await this.db.get(key(Prefix.receipts, u64be(height)));
    const receipts = bytes ? receiptsCodec.decode(bytes) : [];
    if (bytes) this.receiptsCache.set(height, receipts);
    return receipts;
  }

  /**
   * A page of a sender's committed transactions, newest first, with their receipts. The index key
   * holds each one's height and position, so every block is read once and only the sender's
   * transactions are decoded. A page ends at `limit` transactions or, at a whole height, once it
   * holds `maxBytes` of transactions (a page of 1,000 flood transactions was 60 MB); `next` is the
   * `before` of the following page (null: nothing older), and re-reads a height a limit cut split.
   */
  async txsBySender(sender: Uint8Array, limit: number, beforeHeight?: bigint, maxBytes = Infinity): Promise<SenderPage> {
    const end = key(Prefix.txBySender, sender, beforeHeight === undefined ? AFTER_ANY_LOCATION : u64be(beforeHeight));
    const at = 1 + sender.length;
    const indexesAt = new Map<bigint, number[]>(); // newest height first, as the index is read
    let located = 0;
    for await (const [k] of this.db.range(key(Prefix.txBySender, sender), end, limit, true)) {
      const view = new DataView(k.buffer, k.byteOffset, k.byteLength);
      const height = view.getBigUint64(at);
      const indexes = indexesAt.get(height) ?? [];
      indexes.push(view.getUint32(at + 8));
      indexesAt.set(height, indexes);
      located++;
    }
    const heights = [...indexesAt.keys()];
    const txs: SenderPage['txs'] = [];
    let bytes = 0;
    for (const [i, height] of heights.entries()) {
      if (i > 0 && bytes >= maxBytes) return { txs, next: heights[i - 1]! };
      const [found, receipts] = [await this.getBlock(height), await this.getReceipts(height)];
      for (const index of indexesAt.get(height)!) {
        const raw = found?.block.txs[index];
        if (!raw) throw new QuarryError('E_STORE', `block ${height} has no transaction ${index} for the sender index`);
        txs.push({ tx: decodeTx(raw), height, index, receipt: receiptOf(receipts, height, index) });
        bytes += raw.length;
      }
    }
    if (located < limit) return { txs, next: null };
    const lowest = heights.at(-1)!;
    return { txs, next: heights.length > 1 ? lowest + 1n : lowest };
  }

  async getTx(hash: Uint8Array): Promise<{ tx: Tx; height: bigint; index: number; receipt: Receipt } | undefined> {
    const loc = await this.db.get(key(Prefix.tx, hash));
    if (!loc) return undefined;
    const { height, index } = decodeAs(txLocationSchema, loc);
    const found = await this.getBlock(height);
    const bytes = found?.block.txs[index];
    if (!bytes) return undefined;
    return { tx: decodeTx(bytes), height, index, receipt: receiptOf(await this.getReceipts(height), height, index) };
  }

  /** A committed block's transactions with their receipts, in block order (none above the head). */
  async getBlockTxs(height: bigint): Promise<Array<{ tx: Tx; index: number; receipt: Receipt }>> {
    const found = await this.getBlock(height);
    if (!found) return [];
    const receipts = await this.getReceipts(height);
    return found.block.txs.map((bytes, index) => ({ tx: decodeTx(bytes), index, receipt: receiptOf(receipts, height, index) }));
  }
}



export interface SenderPage {
  txs: Array<{ tx: Tx; height: bigint; index: number; receipt: Receipt }>;
  next: bigint | null;
}

/** Receipts are written in the block's batch, so a missing one is a damaged store. */
function receiptOf(receipts: Receipt[], height: bigint, index: number): Receipt {
  const receipt = receipts[index];
  if (!receipt) throw new QuarryError('E_STORE', `block ${height} has no receipt for transaction ${index}`);
  return receipt;
}
