/** Starts a worker thread running a TypeScript module (through bin/ts-worker.mjs). */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const BOOTSTRAP = fileURLToPath(new URL('../../bin/ts-worker.mjs', import.meta.url));

/**
 * `mod` is for the web-worker polyfill that ffjavascript loads: in any non-main thread it assumes
 * it was spawned by itself and loads `workerData.mod`; an empty script keeps it quiet.
 */
export function startTsWorker(module: URL, data: Record<string, unknown> = {}): Worker {
  return new Worker(BOOTSTRAP, { workerData: { ...data, __module: module.href, mod: 'data:text/javascript,void 0' } });
}
