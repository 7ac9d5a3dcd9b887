/**
 * Content-addressed circuit artifacts (wasm witness generators, zkeys) for the proof market
 * (docs/market.md §artifacts): files named by their SHA-256 under `<home>/artifacts`, plus the
 * artifacts committed in circuits/build (found by their checksums). Whoever fetches an artifact
 * checks it against its hash.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR, readChecksums } from '../../circuits/artifacts.ts';
import { sha256 } from '../crypto/hash.ts';
import { toHex } from '../encoding/bytes.ts';
import { QuarryError } from '../errors.ts';

export const MAX_ARTIFACT_BYTES = 48 * 1024 * 1024;

export class ArtifactStore {
  private readonly committed = new Map<string, string>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const [rel, hash] of readChecksums()) this.committed.set(hash, join(BUILD_DIR, rel));
  }

  private path(hash: string): string {
    return join(this.dir, hash);
  }

  has(hash: string): boolean {
    return this.committed.has(hash) || existsSync(this.path(hash));
  }

  /** Stores bytes under their SHA-256 and returns the hash (hex). */
  put(bytes: Uint8Array): string {
    if (bytes.length === 0 || bytes.length > MAX_ARTIFACT_BYTES) throw new QuarryError('E_TOO_LARGE', `an artifact is 1 byte to ${MAX_ARTIFACT_BYTES} bytes`);
    const hash = toHex(sha256(bytes));
    if (!this.has(hash)) {
      const tmp = `${this.path(hash)}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, this.path(hash));
    }
    return hash;
  }

  get(hash: string): Uint8Array | undefined {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new QuarryError('E_BAD_REQUEST', 'an artifact hash is 64 hex characters');
    const file = this.committed.get(hash) ?? (existsSync(this.path(hash)) ? this.path(hash) : null);
    if (!file) return undefined;
    const bytes = new Uint8Array(readFileSync(file));
    if (toHex(sha256(bytes)) !== hash) throw new QuarryError('E_STORE', `artifact ${hash.slice(0, 16)} is corrupt on disk`);
    return bytes;
  }
}

/** Checks fetched bytes against the hash they were fetched by. */
export function checkArtifact(bytes: Uint8Array, hash: Uint8Array | string): Uint8Array {
  const want = typeof hash === 'string' ? hash : toHex(hash);
  if (toHex(sha256(bytes)) !== want) throw new QuarryError('E_DECODE', `artifact does not hash to ${want.slice(0, 16)}…`);
  return bytes;
}
