/**
 * The dashboard's grid for a terminal size (pure, so tests check it without a terminal): seven
 * panes in three rows that stretch to the whole terminal (at least 80×24) and reflow on resize.
 */

/**
 * Pane indices per row (tui/panes.tsx PANES), each with its share of the width; each row's share
 * of the height. At 80×24 the rows get 5, 4 and 3 lines inside their borders: Chain and Node
 * (chain and consensus, sync, peers, own validator) need five, the tables four, the bottom row three.
 */
const ROWS: Array<{ weight: number; cells: Array<[number, number]> }> = [
  { weight: 8, cells: [[0, 1], [1, 1]] },
  { weight: 7, cells: [[2, 1], [3, 1]] },
  { weight: 6, cells: [[4, 26], [5, 26], [6, 28]] },
];

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;
/** Lines outside the grid: the header and the key help. */
const CHROME_ROWS = 3;

export interface GridRow {
  height: number;
  cells: Array<{ pane: number; width: number }>;
}

export interface Layout {
  width: number;
  rows: GridRow[];
  zoom: { width: number; height: number };
}

/** Splits `total` into parts proportional to `weights`, the rounding left-over going to the last. */
function split(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  parts[parts.length - 1]! += total - parts.reduce((a, b) => a + b, 0);
  return parts;
}

export function layout(columns: number, rows: number): Layout {
  const width = Math.max(MIN_COLUMNS, columns);
  const gridHeight = Math.max(MIN_ROWS, rows) - CHROME_ROWS;
  const heights = split(gridHeight, ROWS.map((r) => r.weight));
  return {
    width,
    rows: ROWS.map((row, r) => {
      const widths = split(width, row.cells.map(([, w]) => w));
      return { height: heights[r]!, cells: row.cells.map(([pane], c) => ({ pane, width: widths[c]! })) };
    }),
    zoom: { width, height: gridHeight },
  };
}
