/**
 * The node's Groth16 verifier for proof-market fills (docs/market.md §verification): strict proof
 * decoding, then for n proofs of one circuit one randomized batch check,
 *   Π e(ρᵢAᵢ, Bᵢ) = e((Σρᵢ)·α, β) · e(Σρᵢ·vk_xᵢ, γ) · e(Σρᵢ·Cᵢ, δ),
 * with fresh random 128-bit ρᵢ (n + 3 pairings instead of 4n); if the batch fails each proof is
 * checked alone to find the bad ones. Verdicts are cached by (circuit, proof, signals).
 */
import { randomBytes } from 'node:crypto';
import { buildBn128, type Curve } from 'ffjavascript';
import { decodeProof } from '../../protocol/proof-codec.ts';
import { decodeCanonicalVk, type AffineVk } from '../../protocol/verification-key.ts';
import { FR } from '../../puzzle/field.ts';
import { bytesToBigBE } from '../../protocol/encoding/bytes.ts';
import { sha256 } from '../crypto/hash.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { Lru } from '../store/lru.ts';
import type { ProofVerifier } from '../modules/types.ts';

type Point = Uint8Array;
interface PreparedVk {
  alpha: Point;
  beta: Point;
  gamma: Point;
  delta: Point;
  ic: Point[];
}
interface Item {
  proof: Uint8Array;
  publicSignals: bigint[];
}

export class Groth16Verifier implements ProofVerifier {
  private readonly vks = new Lru<string, PreparedVk>(64);
  private readonly verdicts = new Lru<string, boolean>(20_000);
  checks = 0;
  batches = 0;

  private constructor(private readonly curve: Curve) {}

  static async create(): Promise<Groth16Verifier> {
    return new Groth16Verifier(await buildBn128(true));
  }

  private prepare(vkBytes: Uint8Array): PreparedVk {
    const id = toHex(sha256(vkBytes));
    const hit = this.vks.get(id);
    if (hit) return hit;
    const vk: AffineVk = decodeCanonicalVk(vkBytes);
    const { G1, G2 } = this.curve;
    const prepared = {
      alpha: G1.fromObject([vk.alpha[0], vk.alpha[1], 1n]),
      beta: G2.fromObject([vk.beta[0], vk.beta[1], [1n, 0n]]),
      gamma: G2.fromObject([vk.gamma[0], vk.gamma[1], [1n, 0n]]),
      delta: G2.fromObject([vk.delta[0], vk.delta[1], [1n, 0n]]),
      ic: vk.ic.map((p) => G1.fromObject([p[0], p[1], 1n])),
    };
    this.vks.set(id, prepared);
    return prepared;
  }

  private key(circuitId: Uint8Array, item: Item): string {
    return toHex(sha256(circuitId, item.proof, new TextEncoder().encode(item.publicSignals.join(','))));
  }

  async verify(circuitId: Uint8Array, vkBytes: Uint8Array, items: Item[]): Promise<boolean[]> {
    const keys = items.map((it) => this.key(circuitId, it));
    const out: Array<boolean | undefined> = keys.map((k) => this.verdicts.get(k));
    const todo = items.map((it, i) => ({ it, i })).filter(({ i }) => out[i] === undefined);
    if (todo.length > 0) {
      const vk = this.prepare(vkBytes);
      const decoded = todo.map(({ it, i }) => ({ i, p: this.decode(vk, it) }));
      const valid = decoded.filter((d) => d.p !== null) as Array<{ i: number; p: NonNullable<ReturnType<Groth16Verifier['decode']>> }>;
      for (const d of decoded) if (!d.p) out[d.i] = false;
      const batchOk = valid.length > 1 && (await this.check(vk, valid.map((v) => v.p)));
      for (const v of valid) out[v.i] = batchOk || (await this.check(vk, [v.p]));
      todo.forEach(({ i }) => this.verdicts.set(keys[i]!, out[i]!));
    }
    return out as boolean[];
  }

  /** Strict decoding; null when malformed. */
  private decode(vk: PreparedVk, it: Item) {
    if (it.publicSignals.length !== vk.ic.length - 1 || it.publicSignals.some((s) => s < 0n || s >= FR)) return null;
    let proof;
    try {
      proof = decodeProof(it.proof);
    } catch {
      return null;
    }
    const { G1, G2 } = this.curve;
    return { A: G1.fromObject([proof.a[0], proof.a[1], 1n]), B: G2.fromObject([proof.b[0], proof.b[1], [1n, 0n]]), C: G1.fromObject([proof.c[0], proof.c[1], 1n]), signals: it.publicSignals };
  }

  /**
   * One pairing-product check for all proofs. The public-input terms fold in the scalar field:
   * Σρᵢ·vk_xᵢ = (Σρᵢ)·IC₀ + Σₖ(Σᵢ ρᵢ·sᵢₖ)·ICₖ, one multiplication per IC point instead of per proof.
   */
  private async check(vk: PreparedVk, proofs: Array<{ A: Point; B: Point; C: Point; signals: bigint[] }>): Promise<boolean> {
    const { G1, Fr } = this.curve;
    this.checks += proofs.length;
    this.batches++;
    const rho = proofs.map(() => (proofs.length === 1 ? 1n : bytesToBigBE(randomBytes(16)) + 1n));
    const icScalars = vk.ic.map(() => 0n);
    const args: Point[] = [];
    let sumC = G1.zero;
    proofs.forEach((p, i) => {
      const r = Fr.e(rho[i]!);
      args.push(G1.neg(proofs.length === 1 ? p.A : G1.timesFr(p.A, r)), p.B);
      icScalars[0] = (icScalars[0]! + rho[i]!) % FR;
      p.signals.forEach((s, k) => (icScalars[k + 1] = (icScalars[k + 1]! + rho[i]! * s) % FR));
      sumC = G1.add(sumC, proofs.length === 1 ? p.C : G1.timesFr(p.C, r));
    });
    let sumVkx = G1.zero;
    vk.ic.forEach((point, k) => (sumVkx = G1.add(sumVkx, G1.timesFr(point, Fr.e(icScalars[k]!)))));
    args.push(G1.timesFr(vk.alpha, Fr.e(icScalars[0]!)), vk.beta, sumVkx, vk.gamma, sumC, vk.delta);
    return this.curve.pairingEq(...args);
  }

  async close(): Promise<void> {
    await this.curve.terminate();
  }
}
