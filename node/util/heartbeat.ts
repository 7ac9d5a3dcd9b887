/**
 * "still <doing something>" log lines every few seconds from a worker thread, for steps that block
 * the main thread's event loop for minutes (o1js compiling and proving in wasm): a timer on the
 * main thread would not fire until the step ends (9 silent minutes on a loaded machine). The
 * worker writes its lines straight to the output's file descriptor, in the process's log format,
 * so they appear while the main thread is busy.
 */
import { startTsWorker } from './ts-worker.ts';
import type { LogFormat } from '../log.ts';

export interface HeartbeatOptions {
  /** What is running, for the line: `still ${what}`. */
  what: string;
  format: LogFormat;
  /** The logger's name (its `node` field). */
  name?: string;
  everyMs?: number;
  /** File descriptor to write to (default 1, standard output). */
  fd?: number;
}

/** Runs `f` with a heartbeat beside it. */
export async function withHeartbeat<T>(o: HeartbeatOptions, f: () => Promise<T>): Promise<T> {
  const worker = startTsWorker(new URL('./heartbeat-worker.ts', import.meta.url), { ...o, everyMs: o.everyMs ?? 15_000, fd: o.fd ?? 1, started: Date.now() });
  worker.unref();
  try {
    return await f();
  } finally {
    await worker.terminate();
  }
}
