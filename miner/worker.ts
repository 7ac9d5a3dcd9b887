/**
 * Miner worker thread: proves nonces in a loop for the current work and reports every proof and
 * every solution (a proof whose target reaches proofTarget). The main thread bumps a shared
 * generation counter when work goes stale; the prover polls it between stages, so stale work is
 * dropped within one multi-exponentiation.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadCircuit } from '../puzzle/circuit.ts';
import { CanonicalProver } from '../puzzle/prover.ts';
import { ProofAborted } from '../puzzle/wasm-groth16.ts';
import { proofHash, targetOf } from '../puzzle/target.ts';
import type { CircuitName } from '../circuits/artifacts.ts';

export interface MinerWork {
  generation: number;
  epoch: bigint;
  challenge: bigint;
  address: Uint8Array;
  proofTarget: bigint;
  firstNonce: bigint;
  stride: bigint;
}

export type WorkerReport =
  | { type: 'ready' }
  | { type: 'proof'; generation: number; ms: number }
  | { type: 'solution'; generation: number; epoch: bigint; nonce: bigint; proof: Uint8Array; target: bigint };

const { circuit, generation: shared } = workerData as { circuit: CircuitName; generation: Int32Array };
const port = parentPort!;
// a miner proves for hours: the precomputed tables (≈ 2× faster proofs) pay for their setup in minutes
const prover = await CanonicalProver.create(loadCircuit(circuit), { precompute: true });
let work: MinerWork | null = null;
let wake: (() => void) | null = null;

port.on('message', (w: MinerWork) => {
  work = w;
  wake?.();
});
port.postMessage({ type: 'ready' } satisfies WorkerReport);

for (;;) {
  const w = work as MinerWork | null; // assigned by the message handler
  if (!w || w.generation !== Atomics.load(shared, 0)) {
    await new Promise<void>((resolve) => (wake = resolve));
    continue;
  }
  let nonce = w.firstNonce;
  const stale = () => Atomics.load(shared, 0) !== w.generation;
  while (!stale()) {
    const st = { challenge: w.challenge, address: w.address, nonce };
    const started = performance.now();
    try {
      const p = await prover.prove(st, stale);
      port.postMessage({ type: 'proof', generation: w.generation, ms: performance.now() - started } satisfies WorkerReport);
      const target = targetOf(proofHash(p.bytes, st));
      if (target >= w.proofTarget) port.postMessage({ type: 'solution', generation: w.generation, epoch: w.epoch, nonce, proof: p.bytes, target } satisfies WorkerReport);
    } catch (err) {
      if (!(err instanceof ProofAborted)) throw err;
    }
    nonce = (nonce + w.stride) & ((1n << 64n) - 1n);
  }
}
