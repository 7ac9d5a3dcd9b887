/** The node's proof-market services: the artifact store (with fetching from peers) and a recent-requests index. */
import { join } from 'node:path';
import { QuarryError } from '../../protocol/errors.ts';
import { fromHex } from '../../protocol/encoding/bytes.ts';
import { blockAndTxEvents, type CommittedBlock } from '../chain/chain.ts';
import { ArtifactStore, checkArtifact, type ArtifactRefs, type StagingLimits } from './artifacts.ts';

const RECENT = 500;

/** Peers that may hold an artifact this node lacks (the p2p network, once it runs). */
export interface ArtifactPeers {
  peers(): string[];
  artifact(peer: string, hash: Uint8Array): Promise<Uint8Array | null>;
}

export class MarketService {
  readonly artifacts: ArtifactStore;
  private readonly finished: string[] = [];

  constructor(home: string, private readonly network: () => ArtifactPeers | null) {
    this.artifacts = new ArtifactStore(join(home, 'artifacts'));
  }

  /** Remembers requests that reached a final status (the open list in state forgets them). */
  onBlock(b: CommittedBlock): void {
    for (const e of blockAndTxEvents(b)) {
      if (/^market-(fill|expired|cancelled)$/.test(e.type) && typeof e.request === 'string') this.finished.unshift(e.request);
    }
    this.finished.splice(RECENT);
  }

  recent(): Uint8Array[] {
    return [...new Set(this.finished)].map(fromHex);
  }

  /**
   * An artifact this node lacks, from the first peer that has it (checked against its hash), then
   * stored by the staging rule (served all the same when that refuses it).
   */
  async fetchArtifact(hash: string, refs: () => Promise<ArtifactRefs>, limits: StagingLimits): Promise<Uint8Array> {
    const network = this.network();
    for (const peer of network?.peers() ?? []) {
      let bytes: Uint8Array;
      try {
        const res = await network!.artifact(peer, fromHex(hash));
        if (!res) continue;
        bytes = checkArtifact(res, hash);
      } catch {
        continue; // try the next peer
      }
      try {
        this.artifacts.put(bytes, await refs(), limits);
      } catch (err) {
        if (!(err instanceof QuarryError)) throw err; // refused by the staging rule: served, not kept
      }
      return bytes;
    }
    throw new QuarryError('E_NOT_FOUND', `no artifact ${hash.slice(0, 16)}… here or at any peer`);
  }
}
