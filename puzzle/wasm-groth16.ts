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
import { N8, WasmMsm, type BaseSet } from './wasm-msm.ts';
import { affinePlugin } from './wasm-affine.ts';

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

type Section = 'A' | 'B1' | 'B2' | 'C' | 'H';

export class WasmGroth16 {
  private readonly msm: WasmMsm;
  private readonly sets: Record<Section, BaseSet>;
  private audit: BaseSet | null = null;
  private readonly p: Record<'coeffs' | 'w' | 'qa' | 'qb' | 'qc' | 'one' | 'inc', number>;

  private constructor(readonly curve: Curve, readonly zkey: Zkey) {
    const msm = new WasmMsm(curve);
    this.msm = msm;
    const n = zkey.domainSize;
    const sizes = { coeffs: zkey.coeffs.byteLength, w: zkey.nVars * N8, qa: n * N8, qb: n * N8, qc: n * N8, one: N8, inc: N8 };
    const p = {} as WasmGroth16['p'];
    for (const [k, size] of Object.entries(sizes)) p[k as keyof typeof sizes] = msm.alloc(size);
    this.p = p;
    this.sets = {
      A: msm.load('g1m', zkey.pointsA),
      B1: msm.load('g1m', zkey.pointsB1),
      B2: msm.load('g2m', zkey.pointsB2),
      C: msm.load('g1m', zkey.pointsC, zkey.nPublic + 1),
      H: msm.load('g1m', zkey.pointsH),
    };
    const mem = msm.memory;
    mem.set(zkey.coeffs, p.coeffs);
    mem.set(curve.Fr.one, p.one);
    // the odd coset: evaluate on w^(2i+1) with w a primitive 2n-th root of unity
    mem.set(curve.Fr.w[zkey.power + 1]!, p.inc);
  }

  /**
   * A single-threaded curve instance per prover: the caller decides the parallelism. With
   * `precompute`, every multi-exponentiation runs as one batch-affine bucket pass over shifted
   * copies of its bases (wasm-msm.ts): about 2× faster proofs for ≈ 100 MB more memory and a
   * one-time setup of about five proofs' time — for a miner, not for one proof.
   */
  static async create(zkey: Zkey, o: { precompute?: boolean } = {}): Promise<WasmGroth16> {
    const engine = new WasmGroth16(await buildBn128(true, affinePlugin), zkey);
    if (o.precompute) for (const set of Object.values(engine.sets)) engine.msm.precompute(set);
    return engine;
  }

  /**
   * Proves from a full witness (nVars field elements, 32-byte little-endian, normal form) with
   * blinding scalars `r` and `s` given as Fr elements (ffjavascript's Montgomery form). `abort` is
   * polled between stages.
   */
  prove(witness: Uint8Array, r: Uint8Array, s: Uint8Array, abort: () => boolean = () => false): RawProof {
    const { p, zkey, curve, sets, msm } = this;
    const { fn } = msm;
    const { G1, G2, Fr } = curve;
    const n = zkey.domainSize;
    const checkpoint = () => {
      if (abort()) throw new ProofAborted();
    };
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
    const A = G1.add(G1.add(msm.msm(sets.A, p.w), zkey.alpha1), G1.timesFr(zkey.delta1, r));
    checkpoint();
    const B = G2.add(G2.add(msm.msm(sets.B2, p.w), zkey.beta2), G2.timesFr(zkey.delta2, s));
    checkpoint();
    const B1 = G1.add(G1.add(msm.msm(sets.B1, p.w), zkey.beta1), G1.timesFr(zkey.delta1, s));
    checkpoint();
    let C = msm.msm(sets.C, p.w);
    checkpoint();
    C = G1.add(C, msm.msm(sets.H, p.qa));
    C = G1.add(C, G1.timesFr(A, s));
    C = G1.add(C, G1.timesFr(B1, r));
    C = G1.add(C, G1.timesFr(zkey.delta1, Fr.neg(Fr.mul(r, s))));
    return { A, B, C, B1 };
  }

  private loadWitness(witness: Uint8Array): void {
    if (witness.byteLength !== this.zkey.nVars * N8) throw new Error(`witness has ${witness.byteLength / N8} values, the circuit ${this.zkey.nVars}`);
    this.msm.memory.set(witness, this.p.w);
  }

  /**
   * Prepares the verifier's one-pass canonicity audit (docs/puzzle.md §audit): resident bases
   * Aᵢ + ρ·B1ᵢ for a node-secret ρ (an Fr element), so Σ wᵢ(Aᵢ + ρB1ᵢ) checks A and B together;
   * the set is precomputed for one-pass evaluation (wasm-msm.ts: seconds of setup and ≈ 20 MB)
   * unless `precompute` is false.
   */
  prepareAudit(rho: Uint8Array, precompute = true): void {
    const { zkey, msm } = this;
    const { fn } = msm;
    const n = zkey.nVars;
    const pB1 = msm.alloc(n * 64);
    const pJac = msm.alloc(n * 96);
    const pRho = msm.alloc(N8);
    const pOne = msm.alloc(N8);
    let mem = msm.memory;
    mem.set(zkey.pointsB1, pB1);
    mem.set(rho, pRho);
    mem.set(this.curve.Fr.one, pOne);
    fn.g1m_batchApplyKeyMixed!(pB1, n, pRho, pOne, pJac);
    mem = msm.memory;
    mem.set(zkey.pointsA, pB1); // reuse the scratch for A's bases
    for (let i = 0; i < n; i++) fn.g1m_addMixed!(pJac + i * 96, pB1 + i * 64, pJac + i * 96);
    fn.g1m_batchToAffine!(pJac, n, pB1);
    this.audit = msm.load('g1m', msm.read(pB1, n * 64));
    if (precompute) msm.precompute(this.audit);
  }

  /** Σ wᵢ·(Aᵢ + ρB1ᵢ) over the whole witness; `prepareAudit` first. */
  auditMsm(witness: Uint8Array): Uint8Array {
    if (!this.audit) throw new Error('prepareAudit was not called');
    this.loadWitness(witness);
    return this.msm.msm(this.audit, this.p.w);
  }

  async close(): Promise<void> {
    await this.curve.terminate();
  }
}
