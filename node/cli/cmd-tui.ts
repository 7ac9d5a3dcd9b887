/** `quarry tui`: the terminal dashboard (tui/app.tsx) for a node's RPC. */
import type { Command } from 'commander';
import { join } from 'node:path';
import { action, homeOf, withRpc } from './util.ts';

export function registerTui(tui: Command): void {
  withRpc(tui)
    .action(
      action(async (o: { rpc: string }, cmd: Command) => {
        // react, ink and the dashboard load only here: they cost more than the rest of the CLI
        const [{ createElement }, { render }, { DashboardFeed }, { Dashboard }, { MINER_STATS_FILE }] = await Promise.all([import('react'), import('ink'), import('../../tui/feed.ts'), import('../../tui/app.tsx'), import('../../tui/model.ts')]);
        const feed = new DashboardFeed(o.rpc, { minerStatsFile: join(homeOf(cmd), MINER_STATS_FILE) });
        feed.start();
        const app = render(createElement(Dashboard, { feed }));
        await app.waitUntilExit();
        feed.stop();
        process.exit(0); // sockets and timers of the feed end with the dashboard
      }),
    );
}
