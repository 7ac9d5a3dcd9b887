/** Worker thread: runs a PuzzleVerifier so audits never block the node's event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadCircuit } from './circuit.ts';
import { PuzzleVerifier } from './verifier.ts';
import { decodeProof } from '../protocol/proof-codec.ts';
import type { CircuitName } from '../circuits/artifacts.ts';

export interface VerifyRequest {
  id: number;
  challenge: bigint;
  address: Uint8Array;
  nonce: bigint;
  proof: Uint8Array;
}

export type VerifyResponse = { id: number; ok: true } | { id: number; ok: false; code: string; message: string };

const { circuit, precompute } = workerData as { circuit: CircuitName; precompute: boolean };
const verifier = await PuzzleVerifier.create(loadCircuit(circuit), { precompute });
const port = parentPort!;
port.on('message', (req: VerifyRequest) => {
  verifier
    .check({ challenge: req.challenge, address: req.address, nonce: req.nonce }, decodeProof(req.proof))
    .then(
      () => port.postMessage({ id: req.id, ok: true } satisfies VerifyResponse),
      (err: { code?: string; message?: string }) => port.postMessage({ id: req.id, ok: false, code: err.code ?? 'E_INTERNAL', message: err.message ?? String(err) } satisfies VerifyResponse),
    );
});
port.postMessage({ ready: true });
