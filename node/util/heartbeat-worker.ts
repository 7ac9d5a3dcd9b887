/** The heartbeat's thread (heartbeat.ts): one log line per interval, written synchronously to its fd. */
import { workerData } from 'node:worker_threads';
import { writeSync } from 'node:fs';
import { createLogger, type LogFormat } from '../log.ts';

const { what, format, name, everyMs, fd, started } = workerData as { what: string; format: LogFormat; name?: string; everyMs: number; fd: number; started: number };
const stream = { write: (line: string) => writeSync(fd, line) } as unknown as NodeJS.WritableStream;
const log = createLogger({ format, stream, ...(name ? { name } : {}) });
setInterval(() => log.info({ elapsedS: Math.round((Date.now() - started) / 1000) }, `still ${what}`), everyMs);
