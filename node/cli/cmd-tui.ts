/** `quarry tui`: the terminal dashboard (tui/app.tsx) for a node's RPC. */
import type { Command } from 'commander';
import { join } from 'node:path';
import { createElement } from 'react';
import { render } from 'ink';
import { DashboardFeed } from '../../tui/feed.ts';
import { Dashboard } from '../../tui/app.tsx';
import { MINER_STATS_FILE } from '../../tui/model.ts';
import { action, DEFAULT_RPC, homeOf } from './util.ts';

export function registerTui(program: Command): void {
  program
    .command('tui')
    .description('live dashboard: chain, validators, mempool, puzzle, market, peers and a local miner (tab moves, enter zooms, q quits)')
    .option('--rpc <url>', 'node RPC URL', DEFAULT_RPC)
    .action(
      action(async (o: { rpc: string }, cmd: Command) => {
        const feed = new DashboardFeed(o.rpc, { minerStatsFile: join(homeOf(cmd), MINER_STATS_FILE) });
        feed.start();
        const app = render(createElement(Dashboard, { feed }));
        await app.waitUntilExit();
        feed.stop();
        process.exit(0); // sockets and timers of the feed end with the dashboard
      }),
    );
}
