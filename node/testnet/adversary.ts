/**
 * The testnet's adversaries (docs/testnet.md §adversaries), speaking real libp2p to the nodes:
 * a byzantine validator — a second signer holding an honest validator's key, as an operator who
 * starts a backup instance with the same key — that double-signs prevotes, and a hostile peer that
 * sends malformed, oversized, badly signed and far-future gossip. The honest nodes must prove the
 * double sign on chain (slash and tombstone) and ban the hostile peer, without banning each other
 * or stalling.
 */
import { generateKeyPair } from '@libp2p/crypto/keys';
import { P2PNetwork } from '../p2p/network.ts';
import { createLogger } from '../log.ts';
import { blsSign } from '../crypto/bls.ts';
import { sha256 } from '../crypto/hash.ts';
import type { ValidatorKey } from '../crypto/keyfile.ts';
import { voteSignBytes, type Vote } from '../../consensus/messages.ts';
import { encode } from '../../protocol/encoding/cbor.ts';
import { fromHex } from '../../protocol/encoding/bytes.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface AdversaryOptions {
  chainId: string;
  genesisHash: string;
  /** The honest nodes' multiaddrs (ending in /p2p/<peer id>). */
  peers: string[];
  /** Address to listen on (the harness's own namespace reaches every node). */
  listenIp?: string;
}

export class Adversary {
  private constructor(
    readonly net: P2PNetwork,
    private readonly chainId: string,
  ) {}

  /** Joins the network as an ordinary peer that answers requests with nothing. */
  static async start(o: AdversaryOptions): Promise<Adversary> {
    const genesisHash = fromHex(o.genesisHash);
    const net = await P2PNetwork.start({
      key: await generateKeyPair('Ed25519'),
      config: { listen: [`/ip4/${o.listenIp ?? '127.0.0.1'}/tcp/0`], peers: o.peers, maxPeers: 20 },
      chainId: o.chainId,
      log: createLogger({ level: 'silent', format: 'json' }),
      handlers: {
        gossip: async () => 'ignore',
        status: () => ({ genesisHash, height: 0n, hash: new Uint8Array(32) }),
        blocks: async () => [],
        votes: () => ({ proposals: [], votes: [] }),
        artifact: () => null,
        epochProof: () => null,
      },
    });
    return new Adversary(net, o.chainId);
  }

  get peerId(): string {
    return this.net.peerId;
  }

  /** Peers currently connected (the honest nodes drop it once they ban it). */
  connected(): number {
    return this.net.peers().length;
  }

  /** A prevote for a made-up block, signed with `key` as validator `index`. */
  prevote(key: ValidatorKey, index: number, height: bigint, round: number, fill: number): Vote {
    const unsigned = { type: 'prevote' as const, height, round, blockHash: sha256(new Uint8Array([fill, Number(height % 256n), round])), validatorIndex: index };
    return { ...unsigned, signature: blsSign(voteSignBytes(this.chainId, unsigned), key.blsSecretKey) };
  }

  /**
   * Two conflicting prevotes for each of the heights from `height` on: any one pair, or one of them
   * beside the honest instance's own prevote, is evidence of a double sign.
   */
  async doubleSign(key: ValidatorKey, index: number, height: bigint, heights = 3): Promise<void> {
    for (let h = height; h < height + BigInt(heights); h++) {
      for (const fill of [1, 2]) await this.net.publish('consensus', encode({ type: 'vote', vote: this.prevote(key, index, h, 0, fill) }));
    }
  }

  /**
   * Junk on every gossip topic: bytes that are not CBOR, a transaction over the topic's cap, a vote
   * with a bad signature and votes for heights far ahead; repeated until the nodes drop the peer
   * (or `rounds` run out). Returns the rounds sent.
   */
  async junk(key: ValidatorKey, index: number, height: bigint, rounds = 10): Promise<number> {
    let sent = 0;
    for (; sent < rounds && this.connected() > 0; sent++) {
      const badSig = { ...this.prevote(key, index, height, sent, 3), signature: new Uint8Array(96).fill(7) };
      await this.net.publish('consensus', new Uint8Array([0xa1, 0x61, 0x78, sent]));
      await this.net.publish('txs', new Uint8Array(300_000).fill(sent));
      await this.net.publish('solutions', new Uint8Array(64).fill(sent));
      await this.net.publish('evidence', new Uint8Array([0xff, sent]));
      await this.net.publish('consensus', encode({ type: 'vote', vote: badSig }));
      await this.net.publish('consensus', encode({ type: 'vote', vote: this.prevote(key, index, height + 1_000n + BigInt(sent), 0, 4) }));
      await sleep(200);
    }
    return sent;
  }

  async stop(): Promise<void> {
    await this.net.stop();
  }
}
