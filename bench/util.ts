/** Benchmark helpers: sizes, timing, aligned figure rows. Figures only; nothing asserts on time. */

/** `--smoke`: every benchmark at tiny sizes, to prove it still runs; the figures mean nothing. */
export interface BenchOptions {
  smoke: boolean;
}

export type Suite = (o: BenchOptions) => Promise<void>;

/** The sizes of this run: `full` by default, `smoke` under `--smoke`. */
export const sized = <T>(o: BenchOptions, full: T, smoke: T): T => (o.smoke ? smoke : full);

export async function timeIt<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

let printed = 0;

/**
 * Prints one figure line: label, value(s) joined by " / ", unit. A value that is not a finite
 * number is a broken benchmark, so it throws rather than print NaN.
 */
export function figure(label: string, value: number | number[], unit: string, digits = 0): void {
  const values = Array.isArray(value) ? value : [value];
  if (!values.length || values.some((v) => !Number.isFinite(v))) throw new Error(`benchmark figure "${label}" is not a finite number: [${values.join(', ')}]`);
  process.stdout.write(`  ${label.padEnd(60)} ${values.map((v) => fmt(v, digits)).join(' / ')} ${unit}\n`);
  printed++;
}

/** A comparison measured in the same run, as a multiple. */
export const ratio = (label: string, value: number, digits = 2): void => figure(label, value, '×', digits);

/** How many figure lines have been printed so far (the runner reports it per benchmark). */
export const figuresPrinted = (): number => printed;

export function note(text: string): void {
  process.stdout.write(`  (${text})\n`);
}

export function heading(title: string): void {
  process.stdout.write(`\n${title}\n`);
}
