/**
 * A Groth16 prover kept resident in one wasm instance of ffjavascript's BN254 curve: the proving
 * key's bases and coefficients are copied into wasm memory once, and each proof calls the curve's
 * own wasm routines (QAP build, FFTs, multi-exponentiations) on them in place, with no copies, no
 * worker hand-offs and no temporary files. One instance per thread; the miner runs one per core.
 *
 * The algorithm is snarkjs's Groth16 prover; only the blinding scalars differ: the caller passes
 * (r, s), which Quarry derives from the statement so each statement has exactly one proof.
 */
import { buildBn128, type Curve } from 'ffjavascript';
import type { Zkey } from './zkey.ts';

const N8 = 32;

type WasmFn = (...args: number[]) => void;

/** Thrown by `prove` when its abort check fires (the miner's work went stale). */
export class ProofAborted extends Error {
  constructor() {
    super('proof aborted');
  }
}

export interface RawProof {
  /** Jacobian Montgomery points in the curve's native form. */
  A: Uint8Array;
  B: Uint8Array;
  C: Uint8Array;
  B1: Uint8Array;
}

/**
 * A fixed set of bases resident in wasm memory. Bases at infinity are dropped when loading (a
 * third of B's are, in Poseidon circuits: wires that never appear in B), and their scalars are
 * gathered per proof, so each multi-exponentiation only touches points that matter.
 */
interface BaseSet {
  group: 'g1m' | 'g2m';
  ptr: number;
  /** Witness index of each kept base. */
  index: Uint32Array;
  /** Scalars gathered for this set (32 bytes each). */
  scalars: number;
  window: number;
}

type Section = 'A' | 'B1' | 'B2' | 'C' | 'H' | 'audit';

export class WasmGroth16 {
  private readonly fn: Record<string, WasmFn>;
  private readonly sets: Partial<Record<Section, BaseSet>> & Record<Exclude<Section, 'audit'>, BaseSet>;
  private readonly p: Record<'coeffs' | 'w' | 'qa' | 'qb' | 'qc' | 'one' | 'inc' | 'acc' | 'part', number>;

  private constructor(readonly curve: Curve, readonly zkey: Zkey) {
    const tm = curve.tm;
    this.fn = tm.instance.exports as unknown as Record<string, WasmFn>;
    const n = zkey.domainSize;
    const nPub = zkey.nPublic + 1;
    const plan: Array<[Section, 'g1m' | 'g2m', Uint8Array, number]> = [
      ['A', 'g1m', zkey.pointsA, 0],
      ['B1', 'g1m', zkey.pointsB1, 0],
      ['B2', 'g2m', zkey.pointsB2, 0],
      ['C', 'g1m', zkey.pointsC, nPub],
      ['H', 'g1m', zkey.pointsH, 0],
    ];
    const kept = plan.map(([name, group, bases, offset]) => ({ name, group, ...dropInfinity(bases, group === 'g1m' ? 64 : 128, offset) }));
    const scratch = { coeffs: zkey.coeffs.byteLength, w: zkey.nVars * N8, qa: n * N8, qb: n * N8, qc: n * N8, one: N8, inc: N8, acc: 6 * N8, part: 6 * N8 };
    const total = Object.values(scratch).reduce((a, b) => a + b + 8, 0) + kept.reduce((a, k) => a + k.bases.byteLength + k.index.length * N8 + 16, 0);
    growMemory(curve, total);
    const p = {} as WasmGroth16['p'];
    for (const [k, size] of Object.entries(scratch)) p[k as keyof typeof scratch] = tm.alloc(size);
    this.p = p;
    const sets = {} as WasmGroth16['sets'];
    for (const k of kept) {
      const ptr = tm.alloc(k.bases.byteLength);
      new Uint8Array(tm.memory.buffer).set(k.bases, ptr);
      sets[k.name] = { group: k.group, ptr, index: k.index, scalars: tm.alloc(k.index.length * N8), window: windowBits(k.index.length) };
    }
    this.sets = sets;
    const u8 = new Uint8Array(tm.memory.buffer);
    u8.set(zkey.coeffs, p.coeffs);
    u8.set(curve.Fr.one, p.one);
    // the odd coset: evaluate on w^(2i+1) with w a primitive 2n-th root of unity
    u8.set(curve.Fr.w[zkey.power + 1]!, p.inc);
  }

  /** A single-threaded curve instance per prover: the caller decides the parallelism. */
  static async create(zkey: Zkey): Promise<WasmGroth16> {
    return new WasmGroth16(await buildBn128(true), zkey);
  }

  private read(ptr: number, len: number): Uint8Array {
    return new Uint8Array(this.curve.tm.memory.buffer).slice(ptr, ptr + len);
  }

  /**
   * Σ scalarᵢ·baseᵢ over a resident set with scalars taken from `source` (a wasm pointer to
   * 32-byte little-endian scalars indexed like the witness), bucket windows of `set.window` bits.
   * Returns the Jacobian result.
   */
  private msm(set: BaseSet, source: number): Uint8Array {
    const { fn, p } = this;
    const mem = new Uint8Array(this.curve.tm.memory.buffer);
    const idx = set.index;
    for (let i = 0; i < idx.length; i++) mem.copyWithin(set.scalars + i * N8, source + idx[i]! * N8, source + idx[i]! * N8 + N8);
    const g = set.group;
    const c = set.window;
    fn[`${g}_zero`]!(p.acc);
    for (let bit = Math.floor(253 / c) * c; bit >= 0; bit -= c) {
      for (let d = 0; d < c; d++) fn[`${g}_double`]!(p.acc, p.acc);
      fn[`${g}_multiexpAffine_chunk`]!(set.ptr, set.scalars, N8, idx.length, bit, Math.min(c, 256 - bit), p.part);
      fn[`${g}_add`]!(p.acc, p.part, p.acc);
    }
    return this.read(p.acc, g === 'g1m' ? 96 : 192);
  }

  /**
   * Proves from a full witness (nVars field elements, 32-byte little-endian, normal form) with
   * blinding scalars `r` and `s` given as Fr elements (ffjavascript's Montgomery form).
   */
  prove(witness: Uint8Array, r: Uint8Array, s: Uint8Array, abort: () => boolean = () => false): RawProof {
    const { fn, p, zkey, curve, sets } = this;
    const checkpoint = () => {
      if (abort()) throw new ProofAborted();
    };
    const { G1, G2, Fr } = curve;
    const n = zkey.domainSize;
    this.loadWitness(witness);
    fn.qap_buildABC!(p.coeffs, zkey.nCoeffs, p.w, p.qa, p.qb, p.qc, 0, n, 0, zkey.nVars);
    for (const q of [p.qa, p.qb, p.qc]) {
      fn.frm_ifft!(q, n);
      fn.frm_batchApplyKey!(q, n, p.one, p.inc, q);
      fn.frm_fft!(q, n);
    }
    fn.qap_joinABC!(p.qa, p.qb, p.qc, n, p.qa);
    fn.frm_batchFromMontgomery!(p.qa, n, p.qa);
    checkpoint();
    const A = G1.add(G1.add(this.msm(sets.A, p.w), zkey.alpha1), G1.timesFr(zkey.delta1, r));
    checkpoint();
    const B = G2.add(G2.add(this.msm(sets.B2, p.w), zkey.beta2), G2.timesFr(zkey.delta2, s));
    checkpoint();
    const B1 = G1.add(G1.add(this.msm(sets.B1, p.w), zkey.beta1), G1.timesFr(zkey.delta1, s));
    checkpoint();
    let C = this.msm(sets.C, p.w);
    checkpoint();
    C = G1.add(C, this.msm(sets.H, p.qa));
    C = G1.add(C, G1.timesFr(A, s));
    C = G1.add(C, G1.timesFr(B1, r));
    C = G1.add(C, G1.timesFr(zkey.delta1, Fr.neg(Fr.mul(r, s))));
    return { A, B, C, B1 };
  }

  private loadWitness(witness: Uint8Array): void {
    if (witness.byteLength !== this.zkey.nVars * N8) throw new Error(`witness has ${witness.byteLength / N8} values, the circuit ${this.zkey.nVars}`);
    new Uint8Array(this.curve.tm.memory.buffer).set(witness, this.p.w);
  }

  /**
   * Prepares the verifier's one-pass canonicity audit (docs/puzzle.md §audit): resident bases
   * Aᵢ + ρ·B1ᵢ for a node-secret ρ (an Fr element), so Σ wᵢ(Aᵢ + ρB1ᵢ) checks A and B together.
   */
  prepareAudit(rho: Uint8Array): void {
    const { fn, zkey, curve } = this;
    const tm = curve.tm;
    const n = zkey.nVars;
    growMemory(curve, n * 96 + n * 64 + n * N8 + 2 * N8 + 64);
    const pB1 = tm.alloc(n * 64);
    const pJac = tm.alloc(n * 96);
    const pRho = tm.alloc(N8);
    const pOne = tm.alloc(N8);
    let mem = new Uint8Array(tm.memory.buffer);
    mem.set(zkey.pointsB1, pB1);
    mem.set(rho, pRho);
    mem.set(curve.Fr.one, pOne);
    fn.g1m_batchApplyKeyMixed!(pB1, n, pRho, pOne, pJac);
    const pA = pB1; // reuse: copy A's bases over the B1 scratch
    mem = new Uint8Array(tm.memory.buffer);
    mem.set(zkey.pointsA, pA);
    for (let i = 0; i < n; i++) fn.g1m_addMixed!(pJac + i * 96, pA + i * 64, pJac + i * 96);
    fn.g1m_batchToAffine!(pJac, n, pB1);
    const combined = new Uint8Array(tm.memory.buffer).slice(pB1, pB1 + n * 64);
    const kept = dropInfinity(combined, 64, 0);
    const ptr = tm.alloc(kept.bases.byteLength);
    new Uint8Array(tm.memory.buffer).set(kept.bases, ptr);
    this.sets.audit = { group: 'g1m', ptr, index: kept.index, scalars: tm.alloc(kept.index.length * N8), window: windowBits(kept.index.length) };
  }

  /** Σ wᵢ·(Aᵢ + ρB1ᵢ) over the whole witness; `prepareAudit` first. */
  auditMsm(witness: Uint8Array): Uint8Array {
    if (!this.sets.audit) throw new Error('prepareAudit was not called');
    this.loadWitness(witness);
    return this.msm(this.sets.audit, this.p.w);
  }

  async close(): Promise<void> {
    await this.curve.terminate();
  }
}

/**
 * Bucket width for n points with random 254-bit scalars. Measured here (bench/puzzle): 11 bits
 * for G1 near 2^14 points (0.9 µs per mixed addition), 10 for G2 near 10k points.
 */
function windowBits(n: number): number {
  return Math.max(4, Math.min(16, Math.round(Math.log2(Math.max(n, 2))) - 3));
}

/** Keeps the bases that are not the point at infinity (all-zero in LEM form), with their index. */
function dropInfinity(bases: Uint8Array, size: number, indexOffset: number): { bases: Uint8Array; index: Uint32Array } {
  const count = bases.byteLength / size;
  const keep: number[] = [];
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < size; k++) {
      if (bases[i * size + k] !== 0) {
        keep.push(i);
        break;
      }
    }
  }
  const out = new Uint8Array(keep.length * size);
  keep.forEach((i, j) => out.set(bases.subarray(i * size, i * size + size), j * size));
  return { bases: out, index: Uint32Array.from(keep, (i) => i + indexOffset) };
}

/** Room the wasm multi-exponentiation uses above the free pointer for its bucket tables. */
const WORKSPACE = 8 << 20;

/** ffjavascript's allocator never grows memory; make room for `bytes` more (plus the workspace) first. */
function growMemory(curve: Curve, bytes: number): void {
  const tm = curve.tm as Curve['tm'] & { u8: Uint8Array; u32: Uint32Array };
  const needed = tm.u32[0]! + bytes + WORKSPACE;
  const have = tm.memory.buffer.byteLength;
  if (needed > have) tm.memory.grow(Math.ceil((needed - have) / 65536));
  tm.u8 = new Uint8Array(tm.memory.buffer);
  tm.u32 = new Uint32Array(tm.memory.buffer);
}
