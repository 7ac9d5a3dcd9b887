/**
 * The canonical prover and the grinding defences: canonical proofs verify with plain snarkjs and
 * are deterministic; re-randomized, r-shifted, s-shifted and random-blinding proofs also pass
 * snarkjs but Quarry rejects them as not canonical; malformed encodings never crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as snarkjs from 'snarkjs';
import { bn254 } from '@noble/curves/bn254.js';
import { puzzleFixtures } from '../helpers/puzzle.ts';
import { canonicalBlinding, FR } from '../../puzzle/field.ts';
import { decodeProof, encodeProof, fromSnarkjs, toSnarkjs, FQ, PROOF_BYTES, type AffineProof } from '../../protocol/proof-codec.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { bigToBytesBE } from '../../protocol/encoding/bytes.ts';
import { Rng } from '../helpers/rng.ts';

const statement = { challenge: 987654321n, address: new Uint8Array(20).fill(0x42), nonce: 17n };

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    assert.ok(err instanceof QuarryError, String(err));
    return err.code;
  }
}

const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
const { Fp2 } = bn254.fields;
const g1 = (p: [bigint, bigint]) => G1.fromAffine({ x: p[0], y: p[1] });
const g2 = (p: AffineProof['b']) => G2.fromAffine({ x: Fp2.create({ c0: p[0][0], c1: p[0][1] }), y: Fp2.create({ c0: p[1][0], c1: p[1][1] }) });
const affine1 = (p: InstanceType<typeof G1>): [bigint, bigint] => {
  const a = p.toAffine();
  return [a.x, a.y];
};
const affine2 = (p: InstanceType<typeof G2>): AffineProof['b'] => {
  const a = p.toAffine();
  return [[a.x.c0, a.x.c1], [a.y.c0, a.y.c1]];
};

test('canonical proofs verify with snarkjs and are unique per statement', async () => {
  const { prover, verifier, circuit } = await puzzleFixtures();
  const p1 = await prover.prove(statement);
  const p2 = await prover.prove(statement);
  assert.deepEqual(p1.bytes, p2.bytes, 'same statement, same bytes');
  assert.equal(await snarkjs.groth16.verify(circuit.vk, p1.publicSignals.map(String), toSnarkjs(p1.proof)), true);
  assert.equal(await code(verifier.check(statement, decodeProof(p1.bytes))), 'OK');
  const other = await prover.prove({ ...statement, nonce: 18n });
  assert.notDeepEqual(other.bytes, p1.bytes);
  // round trip through snarkjs JSON is exact
  assert.deepEqual(encodeProof(fromSnarkjs(toSnarkjs(p1.proof))), p1.bytes);
});

test('grinding attacks: valid for snarkjs, rejected by Quarry as not canonical', async () => {
  const { prover, verifier, circuit } = await puzzleFixtures();
  const witness = await prover.witness(statement);
  const honest = await prover.prove(statement);
  const signals = honest.publicSignals.map(String);
  const { r, s } = canonicalBlinding(circuit.id, statement);
  const delta2 = G2.fromAffine({
    x: Fp2.create({ c0: BigInt(circuit.vk.vk_delta_2[0]![0]!), c1: BigInt(circuit.vk.vk_delta_2[0]![1]!) }),
    y: Fp2.create({ c0: BigInt(circuit.vk.vk_delta_2[1]![0]!), c1: BigInt(circuit.vk.vk_delta_2[1]![1]!) }),
  });
  const theta = 123456789n;
  const rho = 987654321n;
  const thetaInv = bn254.fields.Fr.inv(theta);
  const A = g1(honest.proof.a);
  const rerandomized: AffineProof = {
    a: affine1(A.multiply(theta)),
    b: affine2(g2(honest.proof.b).multiply(thetaInv).add(delta2.multiply(rho))),
    c: affine1(g1(honest.proof.c).add(A.multiply((rho * theta) % FR))),
  };
  const attacks: Record<string, AffineProof> = {
    're-randomized (θA, θ⁻¹B + ρδ, C + ρθA)': rerandomized,
    'r-shifted (A + kδ, C + kB1)': prover.toAffine(prover.proveWith(witness, (r + 5n) % FR, s)),
    's-shifted (B + kδ, C + kA)': prover.toAffine(prover.proveWith(witness, r, (s + 5n) % FR)),
    'random blinding (snarkjs style)': prover.toAffine(prover.proveWith(witness, 11n, 13n)),
  };
  for (const [name, proof] of Object.entries(attacks)) {
    assert.equal(await snarkjs.groth16.verify(circuit.vk, signals, toSnarkjs(proof)), true, `${name} passes snarkjs`);
    assert.equal(await code(verifier.check(statement, decodeProof(encodeProof(proof)))), 'E_NOT_CANONICAL', name);
  }
  // a genuine proof of another statement is just invalid here
  assert.equal(await code(verifier.check({ ...statement, nonce: 18n }, honest.proof)), 'E_INVALID_PROOF');
  assert.equal(await code(verifier.check({ ...statement, address: new Uint8Array(20).fill(1) }, honest.proof)), 'E_INVALID_PROOF');
  assert.equal(await code(verifier.check({ ...statement, challenge: 1n }, honest.proof)), 'E_INVALID_PROOF');
});

test('malformed proofs are rejected with E_SOLUTION_ENCODING, never a crash', async () => {
  const { prover } = await puzzleFixtures();
  const good = (await prover.prove(statement)).bytes;
  const rng = new Rng(99);
  const withCoord = (i: number, v: bigint) => {
    const b = Uint8Array.from(good);
    b.set(bigToBytesBE(v, 32), 32 * i);
    return b;
  };
  const cases: Record<string, Uint8Array> = {
    empty: new Uint8Array(0),
    short: good.slice(0, PROOF_BYTES - 1),
    long: new Uint8Array([...good, 0]),
    'A off the curve': withCoord(1, 5n),
    'C off the curve': withCoord(7, 5n),
    'B off the curve': withCoord(5, 5n),
    'coordinate not reduced (≥ q)': withCoord(0, FQ + 1n),
    'coordinate x + q (same point for snarkjs)': withCoord(2, BigInt('0x' + Buffer.from(good.subarray(64, 96)).toString('hex')) + FQ),
    'A at infinity': (() => {
      const b = Uint8Array.from(good);
      b.fill(0, 0, 64);
      return b;
    })(),
    'B not in the subgroup': (() => {
      // a point of the twist curve outside the prime-order subgroup (cofactor ≠ 1 on G2)
      for (let x = 1n; ; x++) {
        const X = Fp2.create({ c0: x, c1: 1n });
        const rhs = Fp2.add(Fp2.mul(Fp2.sqr(X), X), bn254.G2.Point.CURVE().b);
        try {
          const Y = Fp2.sqrt(rhs);
          const pt = G2.fromAffine({ x: X, y: Y });
          if (pt.isTorsionFree()) continue;
          const b = Uint8Array.from(good);
          [X.c0, X.c1, Y.c0, Y.c1].forEach((v, i) => b.set(bigToBytesBE(v, 32), 64 + 32 * i));
          return b;
        } catch {
          continue;
        }
      }
    })(),
  };
  for (let i = 0; i < 20; i++) cases[`random ${i}`] = rng.bytes(PROOF_BYTES);
  for (const [name, bytes] of Object.entries(cases)) {
    assert.throws(() => decodeProof(bytes), (e: unknown) => e instanceof QuarryError && e.code === 'E_SOLUTION_ENCODING', name);
  }
  // the snarkjs JSON path refuses projective forms that snarkjs itself would accept
  const json = toSnarkjs(decodeProof(good));
  assert.throws(() => fromSnarkjs({ ...json, pi_a: [json.pi_a[0]!, json.pi_a[1]!, '2'] }), /affine/);
  assert.throws(() => fromSnarkjs({ ...json, pi_a: ['0' + json.pi_a[0], json.pi_a[1]!, '1'] }), /non-canonical/);
});
