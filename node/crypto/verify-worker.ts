/** Worker thread of node/crypto/verify-thread.ts: runs signature-check jobs off the event loop. */
import { parentPort } from 'node:worker_threads';
import { runVerifyJob, type VerifyJobRequest, type VerifyJobResponse } from './verify-thread.ts';

const port = parentPort!;
port.on('message', ({ id, job }: VerifyJobRequest) => {
  let response: VerifyJobResponse;
  try {
    response = { id, result: runVerifyJob(job) };
  } catch (err) {
    response = { id, error: (err as Error).message };
  }
  port.postMessage(response);
});
port.postMessage({ ready: true });
