/** Starts a worker thread running a TypeScript module (through bin/ts-worker.mjs). */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const BOOTSTRAP = fileURLToPath(new URL('../../bin/ts-worker.mjs', import.meta.url));

export function startTsWorker(module: URL, data: Record<string, unknown> = {}): Worker {
  return new Worker(BOOTSTRAP, { workerData: { ...data, __module: module.href } });
}
