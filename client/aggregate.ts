/**
 * A block's delivered proofs for one circuit, checked as one randomized batch (docs/market.md
 * §verification): the weights ρᵢ = first 16 bytes of SHA-256(seed ‖ u32be(i)) + 1 come from the
 * seed the node serves (fixed by the block hash, after the proofs), and
 * `Π e(ρᵢAᵢ, Bᵢ) · e(−Σρᵢ·α, β) · e(−Σρᵢ·vk_xᵢ, γ) · e(−ΣρᵢCᵢ, δ) = 1` is one multi-pairing of
 * n + 3 pairs, the public-input terms folded in the scalar field. Pure JavaScript (@noble/curves),
 * so it runs in browsers too.
 */
import { bn254 } from '@noble/curves/bn254.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToBigBE, fromHex, toHex } from '../protocol/encoding/bytes.ts';
import { decodeProof } from '../protocol/proof-codec.ts';
import { circuitIdOf, decodeCanonicalVk } from '../protocol/verification-key.ts';
import type { BlockProofs } from '../protocol/rpc-types.ts';

const { G1, G2 } = bn254;
const { Fr, Fp2, Fp12 } = bn254.fields;

type G2Affine = [[bigint, bigint], [bigint, bigint]];
const g1 = (p: [bigint, bigint]) => G1.Point.fromAffine({ x: p[0], y: p[1] });
const g2 = (p: G2Affine) => G2.Point.fromAffine({ x: Fp2.create({ c0: p[0][0], c1: p[0][1] }), y: Fp2.create({ c0: p[1][0], c1: p[1][1] }) });

/** The batch weight of the i-th proof. */
export function batchWeight(seed: Uint8Array, i: number): bigint {
  const index = new Uint8Array(4);
  new DataView(index.buffer).setUint32(0, i);
  const h = sha256.create().update(seed).update(index).digest();
  return bytesToBigBE(h.subarray(0, 16)) + 1n;
}

/**
 * True when every proof in `b` verifies under its key (one multi-pairing). With `wasmHash` (the
 * circuit's, from `getCircuits`), the key must also be the one the circuit id commits to; without
 * it the served key is taken as given. False for a malformed proof or key.
 */
export function verifyBlockProofs(b: BlockProofs, wasmHash?: string): boolean {
  const vkBytes = fromHex(b.vk);
  if (wasmHash !== undefined && toHex(circuitIdOf(vkBytes, fromHex(wasmHash))) !== b.circuit) return false;
  if (b.proofs.length === 0) return true;
  try {
    const vk = decodeCanonicalVk(vkBytes);
    const seed = fromHex(b.seed);
    const pairs: Array<{ g1: InstanceType<typeof G1.Point>; g2: InstanceType<typeof G2.Point> }> = [];
    let rhoSum = 0n;
    let cSum = G1.Point.ZERO;
    const inputSums = new Array<bigint>(vk.nPublic).fill(0n);
    for (const [i, item] of b.proofs.entries()) {
      if (item.publicSignals.length !== vk.nPublic) return false;
      const rho = batchWeight(seed, i);
      const p = decodeProof(fromHex(item.proof));
      pairs.push({ g1: g1(p.a).multiply(rho), g2: g2(p.b) });
      cSum = cSum.add(g1(p.c).multiply(rho));
      rhoSum = Fr.add(rhoSum, rho);
      item.publicSignals.forEach((s, j) => (inputSums[j] = Fr.add(inputSums[j]!, Fr.mul(rho, Fr.create(BigInt(s))))));
    }
    let vkX = g1(vk.ic[0]!).multiply(rhoSum);
    inputSums.forEach((sum, j) => (vkX = vkX.add(g1(vk.ic[j + 1]!).multiplyUnsafe(sum))));
    pairs.push({ g1: g1(vk.alpha).multiply(rhoSum).negate(), g2: g2(vk.beta) });
    pairs.push({ g1: vkX.negate(), g2: g2(vk.gamma) });
    pairs.push({ g1: cSum.negate(), g2: g2(vk.delta) });
    return Fp12.eql(bn254.pairingBatch(pairs), Fp12.ONE);
  } catch {
    return false; // a point off the curve, a signal that is not a number: not a valid batch
  }
}
