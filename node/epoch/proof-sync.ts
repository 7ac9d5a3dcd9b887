/**
 * Epoch proofs from peers (docs/epochs.md §serving): a node without a prover of its own asks its
 * peers over libp2p for their newest epoch proof, keeps it once it has checked it, and serves it
 * like its own. A peer that sends a proof of something else, under another key, or one that does
 * not verify is penalized; one that merely has nothing newer is not.
 */
import type { Logger } from 'pino';
import { epochOutput, type EpochProofJson } from '../../consensus/epoch/program.ts';
import type { EpochProofStore, StoredEpochProof } from './proof-store.ts';
import type { EpochProofVerifier } from './verifier.ts';
import type { EpochFacts } from '../modules/epoch/view.ts';

export type Judgement = { take: StoredEpochProof } | { skip: string } | { offense: string };

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;

function parse(bytes: Uint8Array): StoredEpochProof | null {
  let p: unknown;
  try {
    p = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return null;
  }
  const s = p as Partial<StoredEpochProof>;
  const vkOk = typeof s.vk === 'object' && s.vk !== null && typeof s.vk.data === 'string' && typeof s.vk.hash === 'string';
  const proofOk = typeof s.proof === 'object' && s.proof !== null && Array.isArray((s.proof as EpochProofJson).publicOutput);
  return typeof s.epoch === 'string' && DECIMAL.test(s.epoch) && Number.isSafeInteger(s.maxSize) && vkOk && proofOk ? (s as StoredEpochProof) : null;
}

/**
 * Everything but the proof itself, cheapest first: a fetched proof is kept only if it is newer
 * than `after`, of an epoch this node has reached with a complete handoff, under the pinned key
 * `vkHash`, and proves exactly this chain's genesis, that epoch and its set's commitment.
 */
export async function judgeFetched(bytes: Uint8Array, after: bigint, vkHash: string, facts: (epoch: bigint) => Promise<EpochFacts | null>): Promise<Judgement> {
  const p = parse(bytes);
  if (!p) return { offense: 'a malformed epoch proof' };
  const epoch = BigInt(p.epoch);
  if (epoch <= after) return { skip: `nothing newer than epoch ${after}` };
  const f = await facts(epoch);
  if (!f || !f.complete) return { skip: `epoch ${epoch} is not complete here yet` };
  if (p.maxSize !== f.maxSize) return { offense: `a proof for ${p.maxSize} slots, not ${f.maxSize}` };
  if (p.vk.hash !== vkHash) return { offense: 'a proof under another verification key' };
  let out;
  try {
    out = epochOutput(p.proof);
  } catch (err) {
    return { offense: (err as Error).message };
  }
  if (out.epoch !== epoch || out.genesisId !== f.genesisId || out.commitment !== f.commitment) return { offense: `a proof that is not of this chain's epoch ${epoch}` };
  return { take: p };
}

export interface PeerSource {
  peers(): string[];
  epochProof(peer: string, epoch: bigint | null): Promise<Uint8Array | null>;
  penalize(peer: string, points: number, reason: string): void;
}

export interface EpochProofSyncOptions {
  store: EpochProofStore;
  network: () => PeerSource | null;
  facts: (epoch: bigint) => Promise<EpochFacts | null>;
  /** The key proofs must verify under: the pinned hash for the chain's set size, if there is one. */
  vkHash: () => string | null;
  verifier: EpochProofVerifier;
  log: Logger;
  intervalMs: number;
  /** Peers asked per round, in turn. */
  fanout?: number;
}

export class EpochProofSync {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private turn = 0;
  private warnedNoKey = false;

  constructor(private readonly o: EpochProofSyncOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.round(), this.o.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.o.verifier.close();
  }

  /** One round: when an epoch newer than the stored ones is complete here, ask a few peers for theirs. */
  async round(): Promise<void> {
    const net = this.o.network();
    if (this.busy || !net) return;
    this.busy = true;
    try {
      const after = this.o.store.latest() ?? -1n;
      if (!(await this.o.facts(after + 1n))?.complete) return;
      const vkHash = this.o.vkHash();
      if (!vkHash) return this.warnNoKey();
      const peers = net.peers();
      for (let i = 0; i < Math.min(peers.length, this.o.fanout ?? 3); i++) {
        const peer = peers[this.turn++ % peers.length]!;
        if (await this.tryPeer(net, peer, after, vkHash)) return;
      }
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'epoch proof sync failed');
    } finally {
      this.busy = false;
    }
  }

  private async tryPeer(net: PeerSource, peer: string, after: bigint, vkHash: string): Promise<boolean> {
    const bytes = await net.epochProof(peer, null).catch(() => null);
    if (!bytes) return false;
    const j = await judgeFetched(bytes, after, vkHash, this.o.facts);
    if ('skip' in j) return false;
    if ('offense' in j) return this.offense(net, peer, j.offense);
    const fault = await this.o.verifier.fault(j.take.proof, j.take.vk);
    if (fault) return this.offense(net, peer, fault === 'key' ? 'an epoch proof with a key that is not its hash' : 'an epoch proof that does not verify');
    this.o.store.put(j.take);
    this.o.log.info({ epoch: j.take.epoch, peer: peer.slice(-8) }, 'epoch proof fetched from a peer');
    return true;
  }

  private offense(net: PeerSource, peer: string, reason: string): false {
    net.penalize(peer, 20, `served ${reason}`);
    this.o.log.warn({ peer: peer.slice(-8), reason }, 'refused an epoch proof from a peer');
    return false;
  }

  private warnNoKey(): void {
    if (this.warnedNoKey) return;
    this.warnedNoKey = true;
    this.o.log.warn('no pinned epoch verification key for this chain\'s set size: not fetching epoch proofs from peers');
  }
}
