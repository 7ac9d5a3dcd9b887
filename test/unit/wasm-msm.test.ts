/**
 * The batch-affine one-pass multi-exponentiation (puzzle/bucket-pass.ts) against the curve's own
 * bucket routine, in G1 and G2: random, zero and near-maximal scalars over bases that repeat and
 * negate each other (so buckets meet P + P and P + (−P)); and the canonical prover's proofs are
 * byte-identical with and without the precomputed tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBn128 } from 'ffjavascript';
import { affinePlugin } from '../../puzzle/wasm-affine.ts';
import { N8, WasmMsm } from '../../puzzle/wasm-msm.ts';
import { CanonicalProver } from '../../puzzle/prover.ts';
import { loadCircuit } from '../../puzzle/circuit.ts';
import { TEST_CIRCUIT } from '../helpers/chain.ts';
import { Rng } from '../helpers/rng.ts';

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

test('one pass over precomputed bases equals the per-window bucket routine, special cases included', async () => {
  const curve = await buildBn128(true, affinePlugin);
  const rng = new Rng(7);
  const below = (max: bigint) => BigInt('0x' + Buffer.from(rng.bytes(40)).toString('hex')) % max;
  try {
    for (const [group, n, c] of [['g1m', 300, 8], ['g1m', 1000, 13], ['g1m', 17, 16], ['g2m', 300, 5], ['g2m', 600, 13]] as const) {
      const G = group === 'g1m' ? curve.G1 : curve.G2;
      const size = group === 'g1m' ? 64 : 128;
      const points: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        if (i % 7 === 3) points.push(points[i - 1]!); // a repeated base
        else if (i % 11 === 5) points.push(G.neg(points[i - 1]!)); // a negated one
        else points.push(G.timesScalar(G.g, below(1n << 64n) + 1n));
      }
      const bases = new Uint8Array(n * size);
      points.forEach((p, i) => G.toRprLEM(bases, i * size, G.toAffine(p)));
      const msm = new WasmMsm(curve);
      const plain = msm.load(group, bases);
      const fast = msm.load(group, bases);
      msm.precompute(fast, c);
      const source = msm.alloc(n * N8);
      const cases: Record<string, (i: number) => bigint> = {
        random: () => below(R),
        'half zero': (i) => (i < n / 2 ? 0n : below(R)),
        'near r': (i) => R - 1n - BigInt(i % 3),
        'all zero': () => 0n,
        'one base': (i) => (i === 3 ? below(R) : 0n),
      };
      for (const [name, scalar] of Object.entries(cases)) {
        const scalars = new Uint8Array(n * N8);
        for (let i = 0; i < n; i++) {
          let v = scalar(i);
          for (let k = 0; k < N8; k++, v >>= 8n) scalars[i * N8 + k] = Number(v & 0xffn);
        }
        msm.memory.set(scalars, source);
        assert.ok(G.eq(msm.msm(fast, source), msm.msm(plain, source)), `${group}, ${n} bases, c = ${c}: ${name}`);
      }
    }
  } finally {
    await curve.terminate();
  }
});

test('the canonical prover gives byte-identical proofs with precomputed tables', async () => {
  const circuit = loadCircuit(TEST_CIRCUIT);
  const [plain, fast] = await Promise.all([CanonicalProver.create(circuit), CanonicalProver.create(circuit, { precompute: true })]);
  try {
    for (const nonce of [0n, 1n, 99n]) {
      const st = { challenge: 31337n, address: new Uint8Array(20).fill(nonce === 99n ? 0xff : 3), nonce };
      assert.deepEqual((await fast.prove(st)).bytes, (await plain.prove(st)).bytes, `nonce ${nonce}`);
    }
  } finally {
    await Promise.all([plain.close(), fast.close()]);
  }
});
