/**
 * Content-addressed circuit artifacts (wasm witness generators, zkeys) for the proof market
 * (docs/market.md §artifacts): files named by their SHA-256, plus the artifacts committed in
 * circuits/build (found by their checksums). Bytes are hashed once, when written; reads serve
 * the file as it is (whoever fetches an artifact checks it against its hash).
 *
 * An artifact a registered circuit names is kept in `<dir>`. Any other upload goes to the bounded
 * staging area `<dir>/staged` (count and byte caps, oldest out first): when a new one needs room,
 * a staged artifact that a circuit has since registered moves to `<dir>`, one a register-circuit
 * pending in the mempool names stays, and the rest are deleted.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILD_DIR, readChecksums } from '../../circuits/artifacts.ts';
import { sha256 } from '../crypto/hash.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../protocol/errors.ts';

export const MAX_ARTIFACT_BYTES = 48 * 1024 * 1024;

/** Caps of the staging area (config `rpc.maxStagedArtifacts`, `rpc.maxStagedArtifactBytes`). */
export interface StagingLimits {
  maxFiles: number;
  maxBytes: number;
}

/** What names an artifact hash: a registered circuit, a register-circuit in the mempool, or nothing. */
export type ArtifactRef = 'registered' | 'pending' | null;
export type ArtifactRefs = (hash: string) => ArtifactRef;

export class ArtifactStore {
  private readonly committed = new Map<string, string>();
  /** Staged hash → size, oldest first. */
  private readonly staged = new Map<string, number>();
  private stagedBytes = 0;

  constructor(private readonly dir: string) {
    mkdirSync(this.stagingDir, { recursive: true, mode: 0o700 });
    for (const [rel, hash] of readChecksums()) this.committed.set(hash, join(BUILD_DIR, rel));
    this.loadStaged();
  }

  private get stagingDir(): string {
    return join(this.dir, 'staged');
  }

  /** Staged files survive restarts, in the order they were written (a crash may leave a .tmp). */
  private loadStaged(): void {
    const files = readdirSync(this.stagingDir).map((name) => ({ name, stat: statSync(join(this.stagingDir, name)) }));
    for (const { name, stat } of files.sort((a, b) => a.stat.mtimeMs - b.stat.mtimeMs || a.name.localeCompare(b.name))) {
      if (!/^[0-9a-f]{64}$/.test(name)) rmSync(join(this.stagingDir, name), { force: true });
      else this.track(name, stat.size);
    }
  }

  private track(hash: string, size: number): void {
    this.staged.set(hash, size);
    this.stagedBytes += size;
  }

  private untrack(hash: string): void {
    this.stagedBytes -= this.staged.get(hash) ?? 0;
    this.staged.delete(hash);
  }

  /** The file holding `hash`, if any: committed, kept or staged. */
  private pathOf(hash: string): string | undefined {
    const committed = this.committed.get(hash);
    if (committed) return committed;
    if (this.staged.has(hash)) return join(this.stagingDir, hash);
    const kept = join(this.dir, hash);
    return existsSync(kept) ? kept : undefined;
  }

  /** Counts of the staging area (for tests and operators). */
  get staging(): { files: number; bytes: number } {
    return { files: this.staged.size, bytes: this.stagedBytes };
  }

  /**
   * Stores bytes under their SHA-256 and returns the hash (hex): kept if a registered circuit names
   * it, else staged, making room by the rule above; E_UNAVAILABLE if pending registrations hold
   * all the room, E_TOO_LARGE if it could never fit.
   */
  put(bytes: Uint8Array, refs: ArtifactRefs, limits: StagingLimits): string {
    if (bytes.length === 0 || bytes.length > MAX_ARTIFACT_BYTES) throw new QuarryError('E_TOO_LARGE', `an artifact is 1 byte to ${MAX_ARTIFACT_BYTES} bytes`);
    const hash = toHex(sha256(bytes));
    const registered = refs(hash) === 'registered';
    if (this.staged.has(hash)) {
      if (registered) this.promote(hash);
      return hash;
    }
    if (this.pathOf(hash)) return hash;
    if (registered) {
      writeAtomic(join(this.dir, hash), bytes);
      return hash;
    }
    if (bytes.length > limits.maxBytes) throw new QuarryError('E_TOO_LARGE', `an artifact no registered circuit names is at most ${limits.maxBytes} bytes here (rpc.maxStagedArtifactBytes)`);
    this.makeRoom(bytes.length, refs, limits);
    writeAtomic(join(this.stagingDir, hash), bytes);
    this.track(hash, bytes.length);
    return hash;
  }

  private makeRoom(size: number, refs: ArtifactRefs, limits: StagingLimits): void {
    const fits = () => this.staged.size < limits.maxFiles && this.stagedBytes + size <= limits.maxBytes;
    for (const hash of [...this.staged.keys()]) {
      if (fits()) return;
      const ref = refs(hash);
      if (ref === 'registered') this.promote(hash);
      else if (ref === null) {
        rmSync(join(this.stagingDir, hash), { force: true });
        this.untrack(hash);
      }
    }
    if (!fits()) throw new QuarryError('E_UNAVAILABLE', 'the artifact staging area is held by register-circuit transactions in the mempool; retry once they commit');
  }

  private promote(hash: string): void {
    renameSync(join(this.stagingDir, hash), join(this.dir, hash));
    this.untrack(hash);
  }

  /** The whole artifact (p2p answers), or undefined. */
  get(hash: string): Uint8Array | undefined {
    const file = this.pathOf(checkHash(hash));
    if (!file) return undefined;
    try {
      return new Uint8Array(readFileSync(file));
    } catch {
      return undefined; // evicted from staging meanwhile
    }
  }

  /** A stream of the artifact and its size, or undefined. The file is opened first, so an eviction meanwhile does not cut it short. */
  async open(hash: string): Promise<{ size: number; stream: ReadStream } | undefined> {
    const file = this.pathOf(checkHash(hash));
    if (!file) return undefined;
    const handle = await open(file).catch(() => undefined); // evicted from staging meanwhile
    if (!handle) return undefined;
    try {
      return { size: (await handle.stat()).size, stream: handle.createReadStream() };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
}

function checkHash(hash: string): string {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new QuarryError('E_BAD_REQUEST', 'an artifact hash is 64 lowercase hex characters');
  return hash;
}

function writeAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** Checks fetched bytes against the hash they were fetched by. */
export function checkArtifact(bytes: Uint8Array, hash: Uint8Array | string): Uint8Array {
  const want = typeof hash === 'string' ? hash : toHex(hash);
  if (toHex(sha256(bytes)) !== want) throw new QuarryError('E_DECODE', `artifact does not hash to ${want.slice(0, 16)}…`);
  return bytes;
}
