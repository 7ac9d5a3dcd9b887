// Bootstrap for worker threads that run TypeScript modules: registers tsx, then loads the module
// named in workerData.__module (the main process registers tsx through its API, which workers
// do not inherit).
import './polyfill.mjs';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__module);
