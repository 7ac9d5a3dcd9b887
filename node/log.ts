/**
 * Structured logs (pino). JSON lines by default; `compact` prints one readable line per record
 * (`12:00:01.123 INFO committed block height=5 txs=2`) for terminals and the devnet.
 */
import { pino, type Logger } from 'pino';

export type LogFormat = 'json' | 'compact';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

function compactLine(line: string): string {
  try {
    const rec = JSON.parse(line) as Record<string, unknown>;
    const t = new Date(rec.time as number).toISOString().slice(11, 23);
    const fields = Object.entries(rec)
      .filter(([k]) => !SKIP.has(k))
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ');
    return `${t} ${(LEVELS[rec.level as number] ?? 'LOG').padEnd(5)} ${String(rec.msg ?? '')}${fields ? ' ' + fields : ''}\n`;
  } catch {
    return line;
  }
}

export function createLogger(opts: { level?: string; format?: LogFormat; name?: string; stream?: NodeJS.WritableStream } = {}): Logger {
  const out = opts.stream ?? process.stdout;
  const format = opts.format ?? (process.stdout.isTTY ? 'compact' : 'json');
  const dest = format === 'compact' ? { write: (line: string) => out.write(compactLine(line)) } : out;
  return pino({ level: opts.level ?? 'info', base: opts.name ? { node: opts.name } : null }, dest);
}
