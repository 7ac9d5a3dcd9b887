/**
 * o1js's verifier caches (docs/epochs.md §light client, cost). o1js reads and writes its SRS
 * cache only while compiling, and never caches the Lagrange basis of the wrap domain that every
 * verification needs: computing that basis is ≈ 50 s of a cold verification's ≈ 56 s here. So
 * around a verification this sets o1js's SRS cache to `dir`, loads any wrap-domain (Fq) Lagrange
 * basis stored there, and afterwards stores any basis the verification computed: a later process
 * verifies cold in ≈ 9 s (≈ 4 s of it loading o1js). The cache sits in the user's home beside the keys and is trusted like
 * them. These are o1js internals (o1js is pinned): if they move, verification stays correct and
 * is only slow again.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { o1js } from '../../node/crypto/pallas.ts';

interface SrsBindings {
  addLagrangeBasis(srs: unknown, logSize: number): void;
}
/** The Fq SRS and its Lagrange-basis calls; null when o1js no longer has them where expected. */
interface Lagrange {
  loadSrsFq(): unknown;
  maybeCommitment(srs: unknown, size: number, i: number): unknown;
  fq: SrsBindings;
}
interface Internals {
  setSrsCache(c: unknown): void;
  unsetSrsCache(): void;
  lagrange: Lagrange | null;
}

const LAGRANGE_FILE = /^lagrange-basis-fq-(\d+)$/;
/** Wrap domains o1js uses are 2^13 … 2^15; probed after a verification, cheaply. */
const WRAP_LOG_SIZES = [12, 13, 14, 15, 16];

async function internals(): Promise<Internals> {
  const base = import.meta.resolve('o1js');
  const cache = (await import(new URL('./bindings/crypto/cache.js', base).href)) as Pick<Internals, 'setSrsCache' | 'unsetSrsCache'>;
  const b = (await import(new URL('./bindings.js', base).href)) as { initializeBindings(): Promise<void>; Pickles: { loadSrsFq(): unknown }; wasm: Record<string, unknown> };
  await b.initializeBindings();
  const ts = (globalThis as { __snarkyTsBindings?: { srs(wasm: unknown): { fq: SrsBindings } } }).__snarkyTsBindings;
  const maybe = b.wasm.caml_fq_srs_maybe_lagrange_commitment as Lagrange['maybeCommitment'] | undefined;
  const lagrange = ts && typeof maybe === 'function' ? { loadSrsFq: () => b.Pickles.loadSrsFq(), maybeCommitment: maybe, fq: ts.srs(b.wasm).fq } : null;
  return { ...cache, lagrange };
}

/** Runs `f` (an o1js verification) with o1js's caches in `dir` (none: o1js's defaults, in memory). */
export async function withVerifierCache<T>(dir: string | undefined, f: () => Promise<T>): Promise<T> {
  if (!dir) return f();
  const { Cache } = await o1js();
  mkdirSync(dir, { recursive: true });
  const o = await internals();
  o.setSrsCache(Cache.FileSystem(dir));
  try {
    const keep = o.lagrange ? loadLagrange(o.lagrange, dir) : () => undefined;
    const out = await f();
    keep();
    return out;
  } finally {
    o.unsetSrsCache();
  }
}

/** Loads the stored wrap-domain bases; returns what stores the ones computed since. */
function loadLagrange(o: Lagrange, dir: string): () => void {
  const { fq } = o;
  try {
    const srs = o.loadSrsFq();
    const stored = new Set(readdirSync(dir).flatMap((n) => LAGRANGE_FILE.exec(n)?.slice(1).map(Number) ?? []));
    for (const size of stored) fq.addLagrangeBasis(srs, Math.log2(size));
    return () => {
      try {
        for (const log of WRAP_LOG_SIZES) if (!stored.has(2 ** log) && o.maybeCommitment(srs, 2 ** log, 0) !== undefined) fq.addLagrangeBasis(srs, log);
      } catch {
        // a cache that cannot be written only costs time
      }
    };
  } catch {
    return () => undefined;
  }
}
