/**
 * `quarry tui`: the operator's dashboard. Seven panes in a grid that fills the terminal (at least
 * 80×24) and reflows when it is resized (tui/layout.ts); tab / arrows move the
 * focus, enter (or z) zooms the focused pane to the whole screen, esc returns, q quits. A
 * "RECONNECTING" banner shows while the node is unreachable and clears when it answers again;
 * meanwhile every pane keeps its last data, greyed, with its age in the title.
 */
import React, { useEffect, useState } from 'react';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { layout, MIN_COLUMNS, MIN_ROWS } from './layout.ts';
import type { DashboardFeed } from './feed.ts';
import { alerts, type DashboardModel } from './model.ts';
import { operatorAlerts, staleAge } from './operator.ts';
import { Frame, PANES } from './panes.tsx';

const TICK_MS = 1000;

/** The terminal's size, updated on resize. */
function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns ?? MIN_COLUMNS, rows: stdout.rows ?? MIN_ROWS });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);
  return size;
}

function Header({ m, now, width }: { m: DashboardModel; now: number; width: number }) {
  const since = m.lastContact === null ? null : Math.round((now - m.lastContact) / 1000);
  return (
    <Box width={width}>
      <Text bold>Quarry </Text>
      <Text dimColor>{m.url} </Text>
      {m.connected ? (
        <Text color="green">● connected</Text>
      ) : (
        <Text color="yellow" bold>
          ◌ RECONNECTING{since === null ? '' : ` (node unreachable for ${since} s)`}
        </Text>
      )}
    </Box>
  );
}

/** One banner line per alert, in red, above the grid (nothing when all is well). */
function Alerts({ lines, width }: { lines: string[]; width: number }) {
  if (lines.length === 0) return null;
  return (
    <Box width={width} flexDirection="column">
      {lines.map((l) => (
        <Text key={l} color="red" bold>
          ⚠ {l}
        </Text>
      ))}
    </Box>
  );
}

export function Dashboard({ feed, clock = Date.now }: { feed: DashboardFeed; clock?: () => number }) {
  const { exit } = useApp();
  const [model, setModel] = useState(feed.model);
  const [focus, setFocus] = useState(0);
  const [zoomed, setZoomed] = useState(false);
  useEffect(() => feed.onChange(setModel), [feed]);
  // ages (since the last block, of stale data, of the last solution) move on while the model stands still, as when the node is away
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) return exit();
    if (key.tab || key.rightArrow || key.downArrow) setFocus((f) => (key.shift ? f + PANES.length - 1 : f + 1) % PANES.length);
    else if (key.leftArrow || key.upArrow) setFocus((f) => (f + PANES.length - 1) % PANES.length);
    else if (key.return || input === 'z') setZoomed((z) => !z);
    else if (key.escape) setZoomed(false);
  });
  const now = clock();
  const { columns, rows } = useTerminalSize();
  const banner = [...alerts(model, now), ...operatorAlerts(model)];
  const staleMs = staleAge(model, now);
  const grid = layout(columns, rows - banner.length);
  const pane = (i: number, width: number | string, height: number) => {
    const { id, title, Pane } = PANES[i]!;
    return (
      <Frame key={id} title={title} focused={focus === i} staleMs={staleMs} width={width} height={height}>
        <Pane m={model} now={now} rows={height - 3} />
      </Frame>
    );
  };
  return (
    <Box flexDirection="column" width={grid.width}>
      <Header m={model} now={now} width={grid.width} />
      <Alerts lines={banner} width={grid.width} />
      <Box flexDirection="column">
        {zoomed ? pane(focus, grid.zoom.width, grid.zoom.height) : grid.rows.map((row, r) => <Box key={r}>{row.cells.map((c) => pane(c.pane, c.width, row.height))}</Box>)}
      </Box>
      <Text dimColor>tab/arrows move · enter zoom · esc back · q quit</Text>
    </Box>
  );
}
