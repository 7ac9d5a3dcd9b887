/**
 * Plain-text output for people (scripts use --json): tables padded to the widest cell, numbers
 * right-aligned, and label/value listings.
 */
import { formatAmount } from '../../client/amount.ts';

export type Align = 'left' | 'right';

/** Columns separated by two spaces; no trailing blanks. `align` defaults to left for every column. */
export function table(headers: string[], rows: string[][], align: Align[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (align[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** `label  value` lines with the labels padded to one width. */
export function fields(pairs: Array<[string, string]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';
}

/** Parts per million as a percentage: 125000 → "12.5%". */
export function percent(ppm: string | bigint): string {
  return `${Number(ppm) / 10_000}%`;
}

/** uqry as QRY without the unit suffix duplicated in every cell: "2.5". */
export function qry(uqry: string | bigint): string {
  return formatAmount(uqry).replace(/ QRY$/, '');
}
