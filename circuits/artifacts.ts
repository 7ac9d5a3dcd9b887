/**
 * The committed circuit artifacts and their integrity check. `circuits/build/SHA256SUMS` lists
 * the SHA-256 of every artifact; a node refuses to start if any file is missing or differs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { QuarryError } from '../protocol/errors.ts';
import { CIRCUITS, GROUP_POWER, type CircuitGroup, type CircuitName } from './catalog.ts';

export { CIRCUITS, GROUP_POWER, type CircuitGroup, type CircuitName };

export const CIRCUITS_DIR = dirname(fileURLToPath(import.meta.url));
export const BUILD_DIR = join(CIRCUITS_DIR, 'build');
export const CHECKSUMS_FILE = join(BUILD_DIR, 'SHA256SUMS');


export interface CircuitFiles {
  name: CircuitName;
  r1cs: string;
  wasm: string;
  zkey: string;
  vkey: string;
}

export function circuitFiles(name: CircuitName, dir = BUILD_DIR): CircuitFiles {
  const base = join(dir, name);
  return { name, r1cs: join(base, `${name}.r1cs`), wasm: join(base, `${name}.wasm`), zkey: join(base, `${name}.zkey`), vkey: join(base, 'verification_key.json') };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Parses SHA256SUMS (`<hex>  <path relative to build/>` per line). */
export function readChecksums(file = CHECKSUMS_FILE): Map<string, string> {
  if (!existsSync(file)) throw new QuarryError('E_CONFIG', `circuit checksums missing: ${file} (run "npm run ceremony")`);
  const out = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line.trim());
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

/** Throws E_CONFIG naming the first artifact that is missing or does not match its checksum. */
export function verifyArtifacts(name: CircuitName, dir = BUILD_DIR): CircuitFiles {
  const files = circuitFiles(name, dir);
  const sums = readChecksums(join(dir, 'SHA256SUMS'));
  for (const path of [files.wasm, files.zkey, files.vkey]) {
    const rel = path.slice(dir.length + 1);
    const expected = sums.get(rel);
    if (!expected) throw new QuarryError('E_CONFIG', `no checksum for circuit artifact ${rel} in ${join(dir, 'SHA256SUMS')}`);
    if (!existsSync(path)) throw new QuarryError('E_CONFIG', `circuit artifact missing: ${path}`);
    const actual = sha256File(path);
    if (actual !== expected) {
      throw new QuarryError('E_CONFIG', `circuit artifact ${rel} does not match its checksum (expected ${expected.slice(0, 16)}…, got ${actual.slice(0, 16)}…): restore it from git or rerun the ceremony`);
    }
  }
  return files;
}
