/** Benchmark helpers: time a function, print aligned rows. Figures only; nothing asserts on time. */
export async function timeIt<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

export function row(label: string, value: string): void {
  process.stdout.write(`  ${label.padEnd(52)} ${value}\n`);
}

export function heading(title: string): void {
  process.stdout.write(`\n${title}\n`);
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
