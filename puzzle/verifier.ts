/**
 * Solution proof verification with the canonicity audit (docs/puzzle.md §audit).
 *
 * 1. Groth16: e(A, B) = e(α, β)·e(vk_x, γ)·e(C, δ), with vk_x from the recomputed public signals.
 * 2. Audit: with the statement's canonical (r, s) and the recomputed witness w, the proof must be
 *    the one the canonical prover makes: A = α₁ + Σwᵢ·Aᵢ + r·δ₁ and B = β₂ + Σwᵢ·B2ᵢ + s·δ₂.
 *    One multi-exponentiation checks both, with a node-secret ρ and resident bases Aᵢ + ρ·B1ᵢ:
 *      e(A − α₁ − r·δ₁ − Σwᵢ(Aᵢ + ρB1ᵢ), g₂) · e(g₁, ρ·(B − β₂ − s·δ₂)) = 1.
 *    With A and B fixed, the pairing equation fixes C, so an accepted proof is the canonical one.
 *    A prover that does not know ρ cannot make a wrong A cancel a wrong B.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { QuarryError } from '../protocol/errors.ts';
import { parseZkey } from './zkey.ts';
import { WasmGroth16 } from './wasm-groth16.ts';
import { WitnessGenerator, publicSignals, type PuzzleCircuit } from './circuit.ts';
import { canonicalBlinding, type Statement } from './field.ts';
import { bytesToBigBE } from '../protocol/encoding/bytes.ts';
import type { AffineProof } from '../protocol/proof-codec.ts';

const big = (s: string) => BigInt(s);

export class PuzzleVerifier {
  private readonly vk: { alpha: Uint8Array; beta: Uint8Array; gamma: Uint8Array; delta2: Uint8Array; delta1: Uint8Array; beta2: Uint8Array; alpha1: Uint8Array; ic: Uint8Array[] };

  private constructor(readonly circuit: PuzzleCircuit, private readonly engine: WasmGroth16, private readonly witnesses: WitnessGenerator, private readonly rho: bigint) {
    const { G1, G2 } = engine.curve;
    const v = circuit.vk;
    const zk = engine.zkey;
    this.vk = {
      alpha: G1.fromObject(v.vk_alpha_1.map(big)),
      beta: G2.fromObject(v.vk_beta_2.map((c) => c.map(big))),
      gamma: G2.fromObject(v.vk_gamma_2.map((c) => c.map(big))),
      delta2: G2.fromObject(v.vk_delta_2.map((c) => c.map(big))),
      delta1: zk.delta1,
      beta2: zk.beta2,
      alpha1: zk.alpha1,
      ic: v.IC.map((p) => G1.fromObject(p.map(big))),
    };
  }

  /**
   * `rho` defaults to a fresh random 128-bit secret (a forger must guess it, one try per ban-limited
   * attempt; 128 bits halves the setup's scalar multiplications against a full-width scalar).
   */
  static async create(circuit: PuzzleCircuit, opts: { rho?: bigint; precompute?: boolean } = {}): Promise<PuzzleVerifier> {
    const zkey = parseZkey(new Uint8Array(readFileSync(circuit.zkeyPath)));
    const engine = await WasmGroth16.create(zkey);
    const secret = opts.rho ?? bytesToBigBE(randomBytes(16)) + 1n;
    engine.prepareAudit(engine.curve.Fr.e(secret), opts.precompute ?? true);
    return new PuzzleVerifier(circuit, engine, await WitnessGenerator.create(circuit), secret);
  }

  private points(p: AffineProof) {
    const { G1, G2 } = this.engine.curve;
    return { A: G1.fromObject([p.a[0], p.a[1], 1n]), B: G2.fromObject([p.b[0], p.b[1], [1n, 0n]]), C: G1.fromObject([p.c[0], p.c[1], 1n]) };
  }

  /** Throws E_INVALID_PROOF or E_NOT_CANONICAL; `proof` must come from strict decoding. */
  async check(st: Statement, proof: AffineProof): Promise<void> {
    const { G1, G2, Fr } = this.engine.curve;
    const curve = this.engine.curve;
    const { A, B, C } = this.points(proof);
    const witness = await this.witnesses.witness(st);
    const signals = publicSignals(witness, this.circuit.vk.nPublic);
    let vkx = this.vk.ic[0]!;
    signals.forEach((v, i) => (vkx = G1.add(vkx, G1.timesFr(this.vk.ic[i + 1]!, Fr.e(v)))));
    if (!(await curve.pairingEq(G1.neg(A), B, vkx, this.vk.gamma, C, this.vk.delta2, this.vk.alpha, this.vk.beta))) {
      throw new QuarryError('E_INVALID_PROOF', 'the proof does not verify for this statement');
    }
    await this.audit(st, proof, witness);
  }

  /** The canonicity audit alone (benchmarks): assumes the pairing check already passed. */
  async auditOnly(st: Statement, proof: AffineProof): Promise<void> {
    await this.audit(st, proof, await this.witnesses.witness(st));
  }

  private async audit(st: Statement, proof: AffineProof, witness: Uint8Array): Promise<void> {
    const { G1, G2, Fr } = this.engine.curve;
    const curve = this.engine.curve;
    const { A, B } = this.points(proof);
    const { r, s } = canonicalBlinding(this.circuit.id, st);
    const m = this.engine.auditMsm(witness);
    const x = G1.sub(G1.sub(G1.sub(A, this.vk.alpha1), G1.timesFr(this.vk.delta1, Fr.e(r))), m);
    const y = G2.timesFr(G2.sub(G2.sub(B, this.vk.beta2), G2.timesFr(this.vk.delta2, Fr.e(s))), Fr.e(this.rho));
    if (!(await curve.pairingEq(x, G2.g, G1.g, y))) {
      throw new QuarryError('E_NOT_CANONICAL', 'the proof is valid but not the canonical proof of this statement (re-randomized or shifted)');
    }
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}
