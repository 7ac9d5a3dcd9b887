/**
 * `quarry tui`: the operator's dashboard. Seven panes in an 80×24 grid; tab / arrows move the
 * focus, enter (or z) zooms the focused pane to the whole screen, esc returns, q quits. A
 * "RECONNECTING" banner shows while the node is unreachable and clears when it answers again.
 */
import React, { useEffect, useState } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import type { DashboardFeed } from './feed.ts';
import type { DashboardModel } from './model.ts';
import { Frame, PANES } from './panes.tsx';

/** [pane index, width] per grid row, and each row's height (borders included). */
const GRID: Array<{ height: number; cells: Array<[number, number]> }> = [
  { height: 6, cells: [[0, 40], [1, 40]] },
  { height: 8, cells: [[2, 40], [3, 40]] },
  { height: 7, cells: [[4, 26], [5, 26], [6, 28]] },
];

function Header({ m, now }: { m: DashboardModel; now: number }) {
  const since = m.lastContact === null ? null : Math.round((now - m.lastContact) / 1000);
  return (
    <Box width={80}>
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

export function Dashboard({ feed, clock = Date.now }: { feed: DashboardFeed; clock?: () => number }) {
  const { exit } = useApp();
  const [model, setModel] = useState(feed.model);
  const [focus, setFocus] = useState(0);
  const [zoomed, setZoomed] = useState(false);
  useEffect(() => feed.onChange(setModel), [feed]);
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) return exit();
    if (key.tab || key.rightArrow || key.downArrow) setFocus((f) => (key.shift ? f + PANES.length - 1 : f + 1) % PANES.length);
    else if (key.leftArrow || key.upArrow) setFocus((f) => (f + PANES.length - 1) % PANES.length);
    else if (key.return || input === 'z') setZoomed((z) => !z);
    else if (key.escape) setZoomed(false);
  });
  const now = clock();
  const pane = (i: number, width: number | string, height: number) => {
    const { id, title, Pane } = PANES[i]!;
    return (
      <Frame key={id} title={title} focused={focus === i} width={width} height={height}>
        <Pane m={model} now={now} rows={height - 3} />
      </Frame>
    );
  };
  return (
    <Box flexDirection="column" width={80}>
      <Header m={model} now={now} />
      <Box flexDirection="column">
        {zoomed ? pane(focus, 80, 21) : GRID.map((row, r) => <Box key={r}>{row.cells.map(([i, w]) => pane(i, w, row.height))}</Box>)}
      </Box>
      <Text dimColor>tab/arrows move · enter zoom · esc back · q quit</Text>
    </Box>
  );
}
