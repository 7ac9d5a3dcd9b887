// Bootstrap for worker threads and child processes that run TypeScript modules: registers tsx,
// then loads the module named in workerData.__module (a thread) or in the first argument (a
// process). The main process registers tsx through its API, which neither inherits.
import './polyfill.mjs';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData?.__module ?? process.argv[2]);
