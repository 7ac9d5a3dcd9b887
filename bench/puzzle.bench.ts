/**
 * Proof of succinct work, side by side in one run on the puzzle circuit: the canonical prover
 * against snarkjs.groth16.fullProve, verification and the canonicity audit relative to one proof,
 * and miner throughput with 1 and 2 worker threads (the real miner worker).
 */
import * as snarkjs from 'snarkjs';
import { loadCircuit } from '../puzzle/circuit.ts';
import { CanonicalProver } from '../puzzle/prover.ts';
import { PuzzleVerifier } from '../puzzle/verifier.ts';
import { circuitInputs } from '../puzzle/field.ts';
import { startTsWorker } from '../node/util/ts-worker.ts';
import type { MinerWork, WorkerReport } from '../miner/worker.ts';
import { circuitFiles, type CircuitName } from '../circuits/artifacts.ts';
import { figure, heading, ratio, sized, timeIt, type BenchOptions } from './util.ts';

interface Sizes {
  circuit: CircuitName;
  /** Timed proofs per prover (after one warm-up). */
  proofs: number;
  minerSeconds: number;
}
const FULL: Sizes = { circuit: 'posw', proofs: 3, minerSeconds: 20 };
const SMOKE: Sizes = { circuit: 'posw-small', proofs: 1, minerSeconds: 1 };

const statement = (nonce: bigint) => ({ challenge: 123456789n, address: new Uint8Array(20).fill(9), nonce });

async function minerRate(circuit: CircuitName, threads: number, seconds: number): Promise<number> {
  const generation = new Int32Array(new SharedArrayBuffer(4));
  generation[0] = 1;
  const workers = Array.from({ length: threads }, () => startTsWorker(new URL('../miner/worker.ts', import.meta.url), { circuit, generation }));
  let proofs = 0;
  await Promise.all(workers.map((w) => new Promise<void>((resolve) => w.on('message', (m: WorkerReport) => (m.type === 'ready' ? resolve() : m.type === 'proof' && proofs++)))));
  const started = Date.now();
  workers.forEach((w, i) =>
    w.postMessage({ generation: 1, epoch: 0n, challenge: 42n, address: new Uint8Array(20), proofTarget: 1n << 62n, firstNonce: BigInt(i), stride: BigInt(threads) } satisfies MinerWork),
  );
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const rate = (proofs * 1000) / (Date.now() - started);
  await Promise.all(workers.map((w) => w.terminate()));
  return rate;
}

export async function benchPuzzle(o: BenchOptions): Promise<void> {
  const z = sized(o, FULL, SMOKE);
  heading(`puzzle: canonical prover vs snarkjs on ${z.circuit}`);
  const circuit = loadCircuit(z.circuit);
  const files = circuitFiles(z.circuit);
  const prover = await CanonicalProver.create(circuit);
  await prover.prove(statement(0n)); // warm up
  let canonical = 0;
  for (let i = 1; i <= z.proofs; i++) canonical += (await timeIt(() => prover.prove(statement(BigInt(i))))).ms;
  canonical /= z.proofs;
  await snarkjs.groth16.fullProve(circuitInputs(statement(0n)), files.wasm, files.zkey);
  let full = 0;
  let lastFull: Awaited<ReturnType<typeof snarkjs.groth16.fullProve>> | null = null;
  for (let i = 1; i <= z.proofs; i++) {
    const t = await timeIt(() => snarkjs.groth16.fullProve(circuitInputs(statement(BigInt(i))), files.wasm, files.zkey));
    full += t.ms;
    lastFull = t.value;
  }
  full /= z.proofs;
  figure('canonical prover, per proof (1 thread)', canonical, 'ms');
  figure('snarkjs.groth16.fullProve, per proof (all cores)', full, 'ms');
  ratio('latency ratio snarkjs / canonical', full / canonical);

  heading('puzzle: verification and the canonicity audit');
  const verifier = await PuzzleVerifier.create(circuit);
  const proof = await prover.prove(statement(7n));
  await verifier.check(statement(7n), proof.proof);
  let check = 0;
  for (let i = 0; i < z.proofs; i++) check += (await timeIt(() => verifier.check(statement(7n), proof.proof))).ms;
  check /= z.proofs;
  const plain = (await timeIt(() => snarkjs.groth16.verify(circuit.vk, lastFull!.publicSignals, lastFull!.proof))).ms;
  const audit = (await timeIt(() => verifier.auditOnly(statement(7n), proof.proof))).ms;
  figure('snarkjs.groth16.verify', plain, 'ms', 1);
  figure('Quarry check (witness + pairing + audit)', check, 'ms', 1);
  figure('  of which the canonicity audit', audit, 'ms', 1);
  ratio('ratio Quarry check / snarkjs.groth16.verify', check / plain);
  figure('audit as a share of one canonical proof', (audit / canonical) * 100, '%', 1);
  figure('full check as a share of one canonical proof', (check / canonical) * 100, '%', 1);
  await verifier.close();
  await prover.close();

  heading(`puzzle: miner throughput (real worker threads, ${z.minerSeconds} s each)`);
  const one = await minerRate(z.circuit, 1, z.minerSeconds);
  const two = await minerRate(z.circuit, 2, z.minerSeconds);
  figure('miner, 1 thread', one, 'proofs/s', 2);
  figure('miner, 2 threads', two, 'proofs/s', 2);
  figure('snarkjs fullProve (sequential)', 1000 / full, 'proofs/s', 2);
  ratio('throughput ratio miner(2 threads) / snarkjs', two / (1000 / full));
}
