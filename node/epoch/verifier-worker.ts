/**
 * Worker thread: verifies epoch proofs with o1js, whose first verification builds its verifier for
 * tens of seconds and blocks the thread that runs it; here that thread is not the node's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setPriority } from 'node:os';
import { epochProofFault, type EpochProofJson, type VerificationKey } from '../../consensus/epoch/program.ts';

export interface EpochVerifyRequest {
  id: number;
  proof: EpochProofJson;
  vk: VerificationKey;
}

export interface EpochVerifyResponse {
  id: number;
  fault: 'key' | 'proof' | null;
}

// background work: on Linux a priority is per thread and o1js's own worker threads inherit it, so
// verifying a fetched proof never takes CPU from consensus in the same process
setPriority(19);

const { cacheDir } = workerData as { cacheDir?: string };
const port = parentPort!;
port.on('message', (req: EpochVerifyRequest) => {
  epochProofFault(req.proof, req.vk, cacheDir).then(
    (fault) => port.postMessage({ id: req.id, fault } satisfies EpochVerifyResponse),
    () => port.postMessage({ id: req.id, fault: 'proof' } satisfies EpochVerifyResponse),
  );
});
port.postMessage({ ready: true });
