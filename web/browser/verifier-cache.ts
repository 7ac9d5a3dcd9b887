/**
 * consensus/epoch/verifier-cache.ts for the browser (substituted by scripts/build-web.mjs): the
 * same idea with the page's IndexedDB instead of files. A cold verification spends most of its
 * time computing o1js's wrap-domain Lagrange basis (≈ 50 s on a 2-core machine); the page stores
 * the basis it computed and hands it to o1js the next time, so a returning visitor skips that.
 * The basis is computed in this browser from o1js's public SRS, so it is trusted like the page.
 *
 * o1js's web build keeps its SRS cache hook private and can create an SRS only inside its worker
 * pool (outside it the WASM traps), so `installVerifierCache` wraps the SRS constructor o1js reads
 * when it initializes: the new wrap SRS gets the stored basis before the verifier needs it. The page
 * calls it before anything initializes o1js. These are o1js internals (o1js is pinned): when they
 * are not where expected, verification is only slow again, never wrong.
 */
import { o1js } from '../../node/crypto/pallas.ts';

type Srs = unknown;
type MlComms = unknown;
interface Wasm {
  caml_fq_srs_maybe_lagrange_commitment(srs: Srs, size: number, i: number): unknown;
  caml_fq_srs_lagrange_commitments_whole_domain_ptr(srs: Srs, size: number): number;
  caml_fq_srs_lagrange_commitments_whole_domain_read_from_ptr(ptr: number): unknown;
  caml_fq_srs_set_lagrange_basis(srs: Srs, size: number, comms: unknown): void;
}
interface Conversion {
  polyCommsFromRust(c: unknown): MlComms;
  polyCommsToRust(c: MlComms): unknown;
}
type FieldSrs = { create(size: number): Srs };
interface TsBindings {
  srs(wasm: Wasm): { fq: FieldSrs };
  rustConversion(wasm: Wasm): { fq: Conversion };
}

const DB = 'quarry-verifier-cache';
const STORE = 'lagrange-basis-fq';

/** Bases this browser stored, by domain size, until handed to o1js. */
let stored = new Map<number, MlComms>();
/** The wrap SRS o1js created, and how to read it. */
let seen: { srs: Srs; wasm: Wasm; conv: Conversion } | null = null;
const handed = new Set<number>();
let onCache: (event: string) => void = () => undefined;

function store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onsuccess = () => resolve(open.result.transaction(STORE, mode).objectStore(STORE));
    open.onerror = () => reject(open.error);
  });
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function loadStored(): Promise<Map<number, MlComms>> {
  const s = await store('readonly');
  const [sizes, values] = await Promise.all([request(s.getAllKeys()), request(s.getAll())]);
  return new Map(sizes.map((size, i) => [Number(size), values[i]]));
}

/** As o1js creates the wrap SRS (inside its worker pool), give it every stored basis. */
function handOver(srs: Srs, wasm: Wasm, conv: Conversion): void {
  seen = { srs, wasm, conv };
  for (const [size, basis] of stored) {
    stored.delete(size);
    if (wasm.caml_fq_srs_maybe_lagrange_commitment(srs, size, 0) !== undefined) continue;
    try {
      wasm.caml_fq_srs_set_lagrange_basis(srs, size, conv.polyCommsToRust(basis));
      handed.add(size);
      onCache(`loaded the verifier's Lagrange basis (${size} points) from this browser's storage`);
    } catch {
      // o1js computes it as usual
    }
  }
}

/**
 * Wraps o1js's wrap-field SRS constructor before o1js initializes (call it first: once o1js has
 * initialized, it has read the unwrapped ones). `listener` hears what was loaded or stored.
 */
export async function installVerifierCache(listener: (event: string) => void): Promise<void> {
  onCache = listener;
  await o1js();
  const ts = (globalThis as { __snarkyTsBindings?: TsBindings }).__snarkyTsBindings;
  if (typeof ts?.srs !== 'function' || typeof ts.rustConversion !== 'function') return;
  stored = await loadStored().catch(() => new Map<number, MlComms>());
  const srsOf = ts.srs.bind(ts);
  ts.srs = (wasm) => {
    const bindings = srsOf(wasm);
    const conv = ts.rustConversion(wasm).fq;
    const create = bindings.fq.create;
    bindings.fq.create = (size) => {
      const srs = create(size);
      handOver(srs, wasm, conv);
      return srs;
    };
    return bindings;
  };
}

/** Stores each wrap-domain basis o1js holds now that this browser did not hand it. */
async function storeComputed(): Promise<void> {
  if (!seen) return;
  const { srs, wasm, conv } = seen;
  for (const size of [8192, 16384, 32768]) {
    if (handed.has(size) || wasm.caml_fq_srs_maybe_lagrange_commitment(srs, size, 0) === undefined) continue;
    const comms = conv.polyCommsFromRust(wasm.caml_fq_srs_lagrange_commitments_whole_domain_read_from_ptr(wasm.caml_fq_srs_lagrange_commitments_whole_domain_ptr(srs, size)));
    await request((await store('readwrite')).put(comms, size));
    handed.add(size);
    onCache(`stored the verifier's Lagrange basis (${size} points) in this browser for the next visit`);
  }
}

/** Runs `f` (an o1js verification), then stores any basis it computed. */
export async function withVerifierCache<T>(_dir: string | undefined, f: () => Promise<T>): Promise<T> {
  const out = await f();
  await storeComputed().catch(() => undefined); // a basis that cannot be stored only costs time
  return out;
}
