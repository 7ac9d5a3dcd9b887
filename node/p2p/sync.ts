/**
 * Block sync (docs/p2p.md §sync): ask peers for their status; when one is ahead, fetch block
 * ranges with their commit certificates and apply them, each verified against the validator set
 * of its height (the state this node computed itself), then keep following the tip. Blocks are
 * committed through the block importer; validators go through their consensus driver's queue so
 * sync and consensus never interleave.
 */
import type { Logger } from 'pino';
import { decodeAs } from '../../protocol/encoding/cbor.ts';
import { equalBytes } from '../../protocol/encoding/bytes.ts';
import { commitSchema, type CommitCertificate } from '../../consensus/messages.ts';
import { decodeBlock, type Block } from '../types/block.ts';
import type { Chain } from '../chain/chain.ts';
import type { P2PNetwork } from './network.ts';
import { MAX_BLOCKS_PER_REQUEST, type BlocksResponse } from './messages.ts';
import { isPeerFault } from './faults.ts';
import { preverifyRange } from '../chain/apply-synced.ts';

export interface SyncOptions {
  chain: Chain;
  network: P2PNetwork;
  log: Logger;
  /** Verifies and commits one block: the block importer, through the driver's queue for validators. */
  /** `durable` is false for every block of a range but its last (docs/storage.md §sync writes). */
  apply: (block: Block, commit: CommitCertificate, durable: boolean) => Promise<unknown>;
  /** True while consensus may still finish the next block itself (the node validates). */
  validating: () => boolean;
  intervalMs?: number;
  /** How long a validator waits for consensus before syncing a block its peers already have. */
  patienceMs?: number;
}

export class Syncer {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private busy = false;
  private headSeen = { height: -1n, at: 0 };
  /** Highest height any peer reported. */
  bestKnown = 0n;
  /** Each peer's height from its last status answer (GET /net); peers that left are dropped each round. */
  readonly peerHeights = new Map<string, bigint>();
  applied = 0;
  /** Rotates range requests across peers, round after round (a peer that serves nothing is not asked first every time). */
  private turn = 0;
  /** Blocks applied since this catch-up began (for the rate and ETA in the progress line). */
  private rate: { since: number; blocks: number } | null = null;

  constructor(private readonly o: SyncOptions) {}

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
  }

  get syncing(): boolean {
    return this.bestKnown > this.o.chain.head.height + 1n;
  }

  private schedule(ms: number): void {
    if (this.running) this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    let progressed = false;
    try {
      progressed = await this.round();
    } catch (err) {
      this.o.log.debug({ err: (err as Error).message }, 'sync round failed');
    } finally {
      this.busy = false;
      this.schedule(progressed ? 0 : (this.o.intervalMs ?? 500));
    }
  }

  /** One line per applied range: what was applied, the target, the rate so far and the time left. */
  private logProgress(from: bigint, target: bigint, applied: number, peer: string, started: number): void {
    const now = Date.now();
    this.rate ??= { since: started, blocks: 0 };
    this.rate.blocks += applied;
    const perSecond = this.rate.blocks / Math.max(0.001, (now - this.rate.since) / 1000);
    const left = Number(target - this.o.chain.head.height);
    this.o.log.info({ from: from.toString(), to: this.o.chain.head.height.toString(), target: target.toString(), blocksPerSecond: Math.round(perSecond), etaSeconds: left > 0 ? Math.ceil(left / perSecond) : 0, peer: peer.slice(-8) }, 'synced blocks');
    if (left <= 0) this.rate = null;
  }

  /** One pass: ask every peer's height, then take blocks up to the highest (see `pipeline`). */
  private async round(): Promise<boolean> {
    const { chain, network } = this.o;
    const peers = network.peers();
    for (const gone of [...this.peerHeights.keys()].filter((p) => !peers.includes(p))) this.peerHeights.delete(gone);
    // every peer at once: a paused or unreachable peer costs the round one timeout, not one each
    const statuses = await Promise.all(peers.map((peer) => network.status(peer).then((s) => ({ peer, height: s.height, genesisHash: s.genesisHash }), () => null)));
    const valid: Array<{ peer: string; height: bigint }> = [];
    for (const answer of statuses) {
      if (!answer) continue; // unreachable peers are retried next round
      if (!equalBytes(answer.genesisHash, chain.genesisHash)) {
        network.penalize(answer.peer, 100, 'peer is on another chain');
        continue;
      }
      this.peerHeights.set(answer.peer, answer.height);
      valid.push({ peer: answer.peer, height: answer.height });
    }
    const best = valid.reduce<{ peer: string; height: bigint } | null>((b, v) => (!b || v.height > b.height ? v : b), null);
    if (!best) return false;
    if (best.height > this.bestKnown) this.bestKnown = best.height;
    const head = chain.head.height;
    if (head !== this.headSeen.height) this.headSeen = { height: head, at: Date.now() };
    if (best.height <= head) return false;
    // a validator one block behind is usually just finishing that block through consensus
    if (this.o.validating() && best.height === head + 1n && Date.now() - this.headSeen.at < (this.o.patienceMs ?? 3000)) return false;
    return (await this.pipeline(valid, head + 1n, best.height)) > 0;
  }

  /**
   * Ranges from `from` to `target`, each requested before the previous one is applied (so the
   * network and execution overlap) and from the peers that have it in turn; a range's signatures
   * are batch-checked on the verify thread as soon as it arrives, beside the execution of the one
   * before. Stops at the first range that fails or is not applied whole. Returns the blocks applied.
   */
  private async pipeline(peers: Array<{ peer: string; height: bigint }>, from: bigint, target: bigint): Promise<number> {
    const started = Date.now();
    type Pending = { peer: string; start: bigint; range: Promise<Fetched | null> };
    const request = (start: bigint): Pending => {
      const servers = peers.filter((p) => p.height >= start);
      const { peer, height } = servers[this.turn++ % servers.length]!;
      const end = height < start + BigInt(MAX_BLOCKS_PER_REQUEST) - 1n ? height : start + BigInt(MAX_BLOCKS_PER_REQUEST) - 1n;
      const range = this.o.network.blocks(peer, start, Number(end - start + 1n)).then((res) => (res.blocks.length > 0 ? this.prepare(res) : null));
      return { peer, start, range: range.catch(() => null) };
    };
    let total = 0;
    for (let next: Pending | null = request(from); next; ) {
      const { peer, start, range }: Pending = next;
      const fetched = await range;
      if (!fetched) break;
      const after: bigint = start + BigInt(fetched.items.length);
      next = after <= target ? request(after) : null;
      const applied = await this.applyRange(fetched, peer);
      total += applied;
      if (applied > 0) this.logProgress(start, target, applied, peer, started);
      if (applied < fetched.items.length) break;
    }
    this.applied += total;
    return total;
  }

  /** Decodes a range (up to its first undecodable block) and starts its batch signature check. */
  private prepare(res: BlocksResponse): Fetched {
    const decoded: Decoded[] = [];
    for (const item of res.blocks) {
      try {
        decoded.push(decodeSynced(item));
      } catch {
        break; // applied up to here, then `applyRange` decodes it again and charges the peer
      }
    }
    return { items: res.blocks, decoded, checked: preverifyRange(this.o.chain, decoded).catch(() => 0) };
  }

  /**
   * Applies blocks in order until one does not follow the head or fails; returns how many
   * applied. The range's batch signature check (`prepare`) is awaited first.
   */
  private async applyRange({ items, decoded, checked }: Fetched, peer: string): Promise<number> {
    const { chain, network } = this.o;
    await checked;
    let applied = 0;
    for (const [i, item] of items.entries()) {
      try {
        const { block, commit } = decoded[i] ?? decodeSynced(item);
        if (block.header.height !== chain.head.height + 1n) break;
        // fsync the range's last block that can apply; when a block fails validation the head
        // stays unsynced until the next durable write (the next range or this node's own block),
        // and a power loss meanwhile rolls back to blocks that are simply fetched again
        await this.o.apply(block, commit, i >= decoded.length - 1);
      } catch (err) {
        // only a block that is wrong is the peer's fault; our own failures (E_STORE) are not
        if (isPeerFault(err)) network.penalize(peer, 50, `served an invalid block: ${err.message}`);
        else this.o.log.error({ err: (err as Error).message, height: (chain.head.height + 1n).toString() }, 'could not apply a synced block');
        break;
      }
      applied++;
    }
    return applied;
  }
}

type Decoded = { block: Block; commit: CommitCertificate };
type Fetched = { items: BlocksResponse['blocks']; decoded: Decoded[]; checked: Promise<number> };

const decodeSynced = (item: { block: Uint8Array; commit: Uint8Array }): Decoded => ({
  block: decodeBlock(item.block),
  commit: decodeAs(commitSchema, item.commit),
});
