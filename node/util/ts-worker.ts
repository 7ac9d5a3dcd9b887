/** Starts a worker thread or a child process running a TypeScript module (through bin/ts-worker.mjs). */
import { Worker } from 'node:worker_threads';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BOOTSTRAP = fileURLToPath(new URL('../../bin/ts-worker.mjs', import.meta.url));

/**
 * `mod` is for the web-worker polyfill that ffjavascript loads: in any non-main thread it assumes
 * it was spawned by itself and loads `workerData.mod`; an empty script keeps it quiet.
 */
export function startTsWorker(module: URL, data: Record<string, unknown> = {}): Worker {
  return new Worker(BOOTSTRAP, { workerData: { ...data, __module: module.href, mod: 'data:text/javascript,void 0' } });
}

/**
 * A child process for libraries that cannot run in a worker thread (o1js: in any non-main thread
 * it takes itself for one of its own wasm workers). `args` follow the module in `process.argv`;
 * messages go over the IPC channel; stderr is the parent's.
 */
export function startTsProcess(module: URL, args: string[] = []): ChildProcess {
  return fork(BOOTSTRAP, [module.href, ...args], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
}
