/**
 * Child process: verifies epoch proofs with o1js, whose first verification builds its verifier
 * for tens of seconds and blocks the thread that runs it; here that is not the node's. A process,
 * not a worker thread: o1js in a worker thread takes itself for one of its own wasm workers and
 * hangs. Argument: o1js's SRS cache directory.
 */
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

// background work: the lowest priority, which o1js's own threads inherit, so verifying a fetched
// proof never takes CPU from consensus
setPriority(19);

const cacheDir = process.argv[3];
const send = (m: EpochVerifyResponse | { ready: true }) => process.send!(m);
process.on('message', (req: EpochVerifyRequest) => {
  epochProofFault(req.proof, req.vk, cacheDir).then(
    (fault) => send({ id: req.id, fault }),
    () => send({ id: req.id, fault: 'proof' }),
  );
});
// the node stopped or died: nothing left to verify for
process.on('disconnect', () => process.exit(0));
send({ ready: true });
