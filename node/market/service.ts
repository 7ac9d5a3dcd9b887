/** The node's proof-market services: the artifact store (with fetching from peers) and a recent-requests index. */
import { join } from 'node:path';
import { QuarryError } from '../errors.ts';
import { fromHex } from '../encoding/bytes.ts';
import type { CommittedBlock } from '../chain/chain.ts';
import type { P2PNetwork } from '../p2p/network.ts';
import { ArtifactStore, checkArtifact } from './artifacts.ts';

const RECENT = 500;

export class MarketService {
  readonly artifacts: ArtifactStore;
  private readonly finished: string[] = [];
  network: P2PNetwork | null = null;

  constructor(home: string) {
    this.artifacts = new ArtifactStore(join(home, 'artifacts'));
  }

  /** Remembers requests that reached a final status (the open list in state forgets them). */
  onBlock(b: CommittedBlock): void {
    for (const e of b.candidate?.exec.events ?? []) {
      if (/^market-(fill|expired|cancelled)$/.test(e.type) && typeof e.request === 'string') this.finished.unshift(e.request);
    }
    for (const r of b.receipts) for (const e of r.events) if (/^market-(fill|expired|cancelled)$/.test(e.type) && typeof e.request === 'string') this.finished.unshift(e.request);
    this.finished.splice(RECENT);
  }

  recent(): Uint8Array[] {
    return [...new Set(this.finished)].map(fromHex);
  }

  /** Local artifact, else the first peer that has it (checked against its hash, then kept). */
  async fetchArtifact(hash: string): Promise<Uint8Array> {
    const local = this.artifacts.get(hash);
    if (local) return local;
    for (const peer of this.network?.peers() ?? []) {
      try {
        const res = await this.network!.artifact(peer, fromHex(hash));
        if (!res) continue;
        this.artifacts.put(checkArtifact(res, hash));
        return res;
      } catch {
        // try the next peer
      }
    }
    throw new QuarryError('E_NOT_FOUND', `no artifact ${hash.slice(0, 16)}… here or at any peer`);
  }
}
