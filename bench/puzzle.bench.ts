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
import type { MinerWork, WorkerReport } from '../puzzle/miner/worker.ts';
import { circuitFiles, type CircuitName } from '../circuits/artifacts.ts';
import { fmt, heading, row, timeIt } from './util.ts';

const CIRCUIT: CircuitName = 'posw';
const PROOFS = 3;

const statement = (nonce: bigint) => ({ challenge: 123456789n, address: new Uint8Array(20).fill(9), nonce });

async function minerRate(threads: number, seconds: number): Promise<number> {
  const generation = new Int32Array(new SharedArrayBuffer(4));
  generation[0] = 1;
  const workers = Array.from({ length: threads }, () => startTsWorker(new URL('../puzzle/miner/worker.ts', import.meta.url), { circuit: CIRCUIT, generation }));
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

export async function benchPuzzle(): Promise<void> {
  heading(`puzzle: canonical prover vs snarkjs on ${CIRCUIT}`);
  const circuit = loadCircuit(CIRCUIT);
  const files = circuitFiles(CIRCUIT);
  const prover = await CanonicalProver.create(circuit);
  await prover.prove(statement(0n)); // warm up
  let canonical = 0;
  for (let i = 1; i <= PROOFS; i++) canonical += (await timeIt(() => prover.prove(statement(BigInt(i))))).ms;
  canonical /= PROOFS;
  await snarkjs.groth16.fullProve(circuitInputs(statement(0n)), files.wasm, files.zkey);
  let full = 0;
  let lastFull: Awaited<ReturnType<typeof snarkjs.groth16.fullProve>> | null = null;
  for (let i = 1; i <= PROOFS; i++) {
    const t = await timeIt(() => snarkjs.groth16.fullProve(circuitInputs(statement(BigInt(i))), files.wasm, files.zkey));
    full += t.ms;
    lastFull = t.value;
  }
  full /= PROOFS;
  row('canonical prover, ms per proof (1 thread)', fmt(canonical));
  row('snarkjs.groth16.fullProve, ms per proof (all cores)', fmt(full));
  row('latency ratio snarkjs / canonical', fmt(full / canonical, 2));

  heading('puzzle: verification and the canonicity audit');
  const verifier = await PuzzleVerifier.create(circuit);
  const proof = await prover.prove(statement(7n));
  await verifier.check(statement(7n), proof.proof);
  let check = 0;
  for (let i = 0; i < PROOFS; i++) check += (await timeIt(() => verifier.check(statement(7n), proof.proof))).ms;
  check /= PROOFS;
  const plain = (await timeIt(() => snarkjs.groth16.verify(circuit.vk, lastFull!.publicSignals, lastFull!.proof))).ms;
  const audit = (await timeIt(() => verifier.auditOnly(statement(7n), proof.proof))).ms;
  row('snarkjs.groth16.verify, ms', fmt(plain, 1));
  row('Quarry check (witness + pairing + audit), ms', fmt(check, 1));
  row('  of which the canonicity audit, ms', fmt(audit, 1));
  row('audit as % of one canonical proof', `${fmt((audit / canonical) * 100, 1)} %`);
  row('full check as % of one canonical proof', `${fmt((check / canonical) * 100, 1)} %`);
  await verifier.close();
  await prover.close();

  heading('puzzle: miner throughput (real worker threads, 20 s each)');
  const one = await minerRate(1, 20);
  const two = await minerRate(2, 20);
  row('miner proofs/s, 1 thread', fmt(one, 2));
  row('miner proofs/s, 2 threads', fmt(two, 2));
  row('snarkjs fullProve proofs/s (sequential)', fmt(1000 / full, 2));
  row('throughput ratio miner(2 threads) / snarkjs', fmt(two / (1000 / full), 2));
}
