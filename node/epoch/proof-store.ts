/**
 * Epoch proofs on disk (docs/epochs.md §serving): `<home>/epoch-proofs/<epoch>.json`, each with
 * the verification key it verifies under. Written atomically (temporary file, then rename), so a
 * reader never sees half a proof and a prover killed mid-write leaves the previous proofs intact.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryError } from '../../protocol/errors.ts';
import type { EpochProofJson, VerificationKey } from '../../consensus/epoch/program.ts';

export interface StoredEpochProof {
  epoch: string;
  maxSize: number;
  vk: VerificationKey;
  proof: EpochProofJson;
}

export class EpochProofStore {
  constructor(readonly dir: string) {}

  private path(epoch: bigint): string {
    return join(this.dir, `${epoch}.json`);
  }

  /** The highest stored epoch, or null when none is stored. */
  latest(): bigint | null {
    if (!existsSync(this.dir)) return null;
    const epochs = readdirSync(this.dir)
      .filter((f) => /^(0|[1-9][0-9]*)\.json$/.test(f))
      .map((f) => BigInt(f.slice(0, -5)));
    return epochs.length === 0 ? null : epochs.reduce((a, b) => (b > a ? b : a));
  }

  has(epoch: bigint): boolean {
    return existsSync(this.path(epoch));
  }

  /** The stored file's bytes (what peers are served over libp2p). */
  raw(epoch: bigint): Uint8Array {
    if (!this.has(epoch)) throw new QuarryError('E_NOT_FOUND', `no proof of epoch ${epoch} here`);
    return readFileSync(this.path(epoch));
  }

  get(epoch: bigint): StoredEpochProof {
    return JSON.parse(Buffer.from(this.raw(epoch)).toString('utf8')) as StoredEpochProof;
  }

  put(p: StoredEpochProof): void {
    mkdirSync(this.dir, { recursive: true });
    const path = this.path(BigInt(p.epoch));
    writeFileSync(`${path}.tmp`, JSON.stringify(p) + '\n');
    renameSync(`${path}.tmp`, path);
  }
}
