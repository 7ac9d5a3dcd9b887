/**
 * The libp2p adapter (docs/p2p.md): TCP + Noise + Yamux + identify + gossipsub, with topics for
 * transactions, solutions, consensus messages, evidence and epoch handoff signatures, and request/response protocols for
 * status, block ranges (with their commits) and a height's votes. Every inbound message is size
 * capped and validated before it is relayed; a peer whose messages fail validation collects
 * penalty points and is disconnected and refused for a while. Nothing here can crash the node:
 * handler errors become rejections.
 */
import { createLibp2p, type Libp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@libp2p/noise';
import { yamux } from '@libp2p/yamux';
import { identify } from '@libp2p/identify';
import { gossipsub, StrictNoSign, TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub';
import { lpStream } from '@libp2p/utils';
import { multiaddr } from '@multiformats/multiaddr';
import type { PeerId, PrivateKey } from '@libp2p/interface';
import type { Logger } from 'pino';
import { sha256 } from '../crypto/hash.ts';
import { decodeAs, encode } from '../../protocol/encoding/cbor.ts';
import type { Schema } from '../../protocol/encoding/schema.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { BLOCK_DECODE_CAP } from '../types/block.ts';
import {
  artifactRequestSchema,
  artifactResponseSchema,
  epochProofRequestSchema,
  epochProofResponseSchema,
  EPOCH_PROOF_MAX_BYTES,
  GOSSIP_BATCH_MAX_BYTES,
  blocksRequestSchema,
  blocksResponseSchema,
  statusSchema,
  votesRequestSchema,
  votesResponseSchema,
  type BlocksResponse,
  type Status,
  type VotesResponse,
} from './messages.ts';

export type Verdict = 'accept' | 'reject' | 'ignore';
export type TopicKind = 'txs' | 'solutions' | 'consensus' | 'evidence' | 'handoffs';

export interface P2PConfig {
  listen: string[];
  /** Bootstrap peers: multiaddrs ending in /p2p/<peer id>. */
  peers: string[];
  maxPeers: number;
}

export const DEFAULT_P2P_CONFIG: P2PConfig = { listen: ['/ip4/127.0.0.1/tcp/26656'], peers: [], maxPeers: 50 };

export interface P2PHandlers {
  gossip(kind: TopicKind, data: Uint8Array, from: string): Promise<Verdict>;
  status(): Status;
  blocks(from: bigint, count: number): Promise<BlocksResponse['blocks']>;
  votes(height: bigint): VotesResponse;
  artifact(hash: Uint8Array): Uint8Array | null;
  /** A stored epoch proof's JSON bytes (null epoch: the latest), or null. */
  epochProof(epoch: bigint | null): Uint8Array | null;
}

/** Gossip topic version: 2 is unsigned gossipsub envelopes (StrictNoSign), which v1 nodes refuse. */
const TOPIC_VERSION = 2;
/** Per-topic caps on message size (bytes). */
const TOPIC_CAP: Record<TopicKind, number> = { txs: GOSSIP_BATCH_MAX_BYTES, solutions: 1024, consensus: BLOCK_DECODE_CAP + 4096, evidence: 2048, handoffs: 256 };
const BAN_POINTS = 100;
const BAN_MS = 10 * 60_000;
/** Penalty points fade at this rate, so occasional faults of an honest peer never add up to a ban. */
const DECAY_POINTS_PER_S = 1;
const REQUEST_TIMEOUT_MS = 10_000;
const REQUEST_MAX_BYTES = 4096;
const RESPONSE_MAX_BYTES = 49 * 1024 * 1024;

/** @libp2p/utils' errors for a length prefix over the limit or not a varint. */
const LENGTH_ERRORS = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError']);

/** A request that could never be valid (as opposed to one that was slow or cut off). */
function isMalformed(err: unknown): boolean {
  return err instanceof QuarryError || LENGTH_ERRORS.has((err as Error).name);
}

export class P2PNetwork {
  private readonly scores = new Map<string, { points: number; at: number }>();
  private redial: NodeJS.Timeout | null = null;

  private constructor(
    private readonly node: Libp2p<{ pubsub: GossipSub }>,
    private readonly banned: Map<string, number>,
    private readonly chainId: string,
    private readonly config: P2PConfig,
    private readonly log: Logger,
    private readonly handlers: P2PHandlers,
    private readonly now: () => number,
  ) {}

  static async start(o: { key: PrivateKey; config: P2PConfig; chainId: string; log: Logger; handlers: P2PHandlers; now?: () => number }): Promise<P2PNetwork> {
    const now = o.now ?? Date.now;
    const banned = new Map<string, number>();
    const isBanned = (peer: PeerId) => (banned.get(peer.toString()) ?? 0) > now();
    const node = await createLibp2p({
      privateKey: o.key,
      addresses: { listen: o.config.listen },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { maxConnections: o.config.maxPeers },
      connectionGater: { denyDialPeer: isBanned, denyInboundEncryptedConnection: isBanned },
      services: {
        identify: identify(),
        pubsub: gossipsub({
          emitSelf: false,
          allowPublishToZeroTopicPeers: true,
          maxInboundDataLength: BLOCK_DECODE_CAP + 65536,
          msgIdFn: (m) => sha256(m.data),
          // every payload carries its own signatures (transactions, votes, solutions) or is checked
          // against the chain (blocks, evidence), and ids are content hashes: a libp2p signature per
          // message only cost a sign and one ed25519 check per receiver (a tenth of a loaded
          // validator's CPU, docs/p2p.md)
          globalSignaturePolicy: StrictNoSign,
        }),
      },
    });
    const net = new P2PNetwork(node, banned, o.chainId, o.config, o.log, o.handlers, now);
    net.wire();
    net.dialBootstrap();
    net.redial = setInterval(() => net.dialBootstrap(), 3_000);
    return net;
  }

  get peerId(): string {
    return this.node.peerId.toString();
  }

  multiaddrs(): string[] {
    return this.node.getMultiaddrs().map(String);
  }

  private topic(kind: TopicKind): string {
    return `/quarry/${this.chainId}/${kind}/${TOPIC_VERSION}`;
  }

  private protocol(name: string): string {
    return `/quarry/${this.chainId}/${name}/1`;
  }

  private wire(): void {
    const pubsub = this.node.services.pubsub;
    for (const kind of ['txs', 'solutions', 'consensus', 'evidence', 'handoffs'] as TopicKind[]) {
      const topic = this.topic(kind);
      pubsub.subscribe(topic);
      pubsub.topicValidators.set(topic, async (peer, msg) => {
        const from = peer.toString();
        if (msg.data.length > TOPIC_CAP[kind]) return this.reject(from, `oversize ${kind} message`);
        try {
          const verdict = await this.handlers.gossip(kind, msg.data, from);
          if (verdict === 'reject') return this.reject(from, `invalid ${kind} message`);
          return verdict === 'accept' ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore;
        } catch (err) {
          return this.reject(from, `${kind} message failed: ${(err as Error).message}`);
        }
      });
    }
    this.serve('status', null, async () => this.handlers.status());
    this.serve('blocks', blocksRequestSchema, async (req) => ({ blocks: await this.handlers.blocks(req.from, req.count) }));
    this.serve('votes', votesRequestSchema, async (req) => this.handlers.votes(req.height));
    this.serve('artifacts', artifactRequestSchema, async (req) => ({ bytes: this.handlers.artifact(req.hash) }));
    this.serve('epoch-proofs', epochProofRequestSchema, async (req) => ({ json: this.handlers.epochProof(req.epoch) }));
  }

  private reject(peer: string, reason: string): TopicValidatorResult {
    this.penalize(peer, 20, reason);
    return TopicValidatorResult.Reject;
  }

  /**
   * Adds penalty points to what is left of the peer's earlier ones (they fade by
   * DECAY_POINTS_PER_S); at BAN_POINTS the peer is disconnected and refused for BAN_MS.
   */
  penalize(peer: string, points: number, reason: string): void {
    const now = this.now();
    const prev = this.scores.get(peer);
    const score = Math.max(0, (prev?.points ?? 0) - ((now - (prev?.at ?? now)) / 1000) * DECAY_POINTS_PER_S) + points;
    this.log.debug({ peer: peer.slice(-8), reason, score }, 'peer penalized');
    if (score < BAN_POINTS) {
      this.scores.set(peer, { points: score, at: now });
      return;
    }
    this.scores.delete(peer);
    this.banned.set(peer, now + BAN_MS);
    this.log.warn({ peer: peer.slice(-8), reason }, 'peer banned');
    for (const c of this.node.getConnections()) if (c.remotePeer.toString() === peer) void c.close().catch(() => undefined);
  }

  isBanned(peer: string): boolean {
    return (this.banned.get(peer) ?? 0) > this.now();
  }

  /**
   * Answers one request protocol. Only a request that is malformed (undecodable or oversize) costs
   * the requester points: failing to answer in time, a handler error or a write the peer hung up
   * on are this node's or the network's trouble, and charging the requester for them let honest
   * peers ban each other whenever answers grew slow (issue: large blocks halted the devnet).
   */
  private serve<Req, Res>(name: string, reqSchema: Schema<Req> | null, answer: (req: Req) => Promise<Res>): void {
    void this.node.handle(this.protocol(name), async (stream, connection) => {
      const peer = connection.remotePeer.toString();
      let req: Req;
      try {
        const lp = lpStream(stream, { maxDataLength: REQUEST_MAX_BYTES, maxBufferSize: REQUEST_MAX_BYTES + 16 });
        req = reqSchema ? decodeAs(reqSchema, (await lp.read({ signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).subarray(), REQUEST_MAX_BYTES) : (null as Req);
      } catch (err) {
        if (isMalformed(err)) this.penalize(peer, 10, `bad ${name} request: ${(err as Error).message}`);
        stream.abort(err as Error);
        return;
      }
      try {
        await lpStream(stream, { maxDataLength: RESPONSE_MAX_BYTES }).write(encode(await answer(req)), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        await stream.close();
      } catch (err) {
        this.log.debug({ peer: peer.slice(-8), protocol: name, err: (err as Error).message }, 'could not answer a request');
        stream.abort(err as Error);
      }
    });
  }

  private async request<T>(peer: PeerId | string, name: string, body: unknown, schema: Schema<T>, maxBytes: number): Promise<T> {
    const id = typeof peer === 'string' ? this.node.getPeers().find((p) => p.toString() === peer) : peer;
    if (!id) throw new Error('peer is not connected');
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const stream = await this.node.dialProtocol(id, this.protocol(name), { signal });
    try {
      // the read buffer must hold a whole answer: @libp2p/utils caps it at 4 MiB unless told, which
      // silently broke block ranges and artifacts above that size
      const lp = lpStream(stream, { maxDataLength: maxBytes, maxBufferSize: maxBytes + 16 });
      if (body !== null) await lp.write(encode(body), { signal });
      const res = decodeAs(schema, (await lp.read({ signal })).subarray(), maxBytes);
      await stream.close();
      return res;
    } catch (err) {
      stream.abort(err as Error);
      throw err;
    }
  }

  status(peer: PeerId | string): Promise<Status> {
    return this.request(peer, 'status', null, statusSchema, 1024);
  }

  blocks(peer: PeerId | string, from: bigint, count: number): Promise<BlocksResponse> {
    return this.request(peer, 'blocks', { from, count }, blocksResponseSchema, BLOCK_DECODE_CAP * 2);
  }

  votes(peer: PeerId | string, height: bigint): Promise<VotesResponse> {
    return this.request(peer, 'votes', { height }, votesResponseSchema, BLOCK_DECODE_CAP * 2);
  }

  async epochProof(peer: PeerId | string, epoch: bigint | null): Promise<Uint8Array | null> {
    return (await this.request(peer, 'epoch-proofs', { epoch }, epochProofResponseSchema, EPOCH_PROOF_MAX_BYTES + 1024)).json;
  }

  async artifact(peer: PeerId | string, hash: Uint8Array): Promise<Uint8Array | null> {
    return (await this.request(peer, 'artifacts', { hash }, artifactResponseSchema, RESPONSE_MAX_BYTES)).bytes;
  }

  peers(): string[] {
    return this.node.getPeers().map(String);
  }

  /** The connection limit from config (p2p.maxPeers), shown against the peer count. */
  get maxPeers(): number {
    return this.config.maxPeers;
  }

  async publish(kind: TopicKind, data: Uint8Array): Promise<void> {
    try {
      await this.node.services.pubsub.publish(this.topic(kind), data);
    } catch (err) {
      this.log.debug({ kind, err: (err as Error).message }, 'publish failed');
    }
  }

  private dialBootstrap(): void {
    const connected = new Set(this.node.getPeers().map(String));
    for (const addr of this.config.peers) {
      try {
        const ma = multiaddr(addr);
        const id = ma.getComponents().find((c) => c.name === 'p2p')?.value;
        if (!id || id === this.peerId || connected.has(id) || this.isBanned(id)) continue;
        void this.node.dial(ma).catch(() => undefined);
      } catch {
        this.log.warn({ addr }, 'ignoring an invalid bootstrap address');
      }
    }
  }

  async stop(): Promise<void> {
    if (this.redial) clearInterval(this.redial);
    await this.node.stop();
  }
}
