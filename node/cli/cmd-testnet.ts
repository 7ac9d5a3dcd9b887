/**
 * `quarry testnet`: validators in their own Linux network namespaces behind emulated links, a
 * transfer load and a scripted run of perturbations (kill -9, restart, SIGSTOP, partitions,
 * latency), then the checker's verdict: same blocks everywhere, accepted transactions committed
 * everywhere or nowhere, balances conserved, nobody jailed or banned (docs/testnet.md). Needs
 * root (ip netns). Exit status 1 when the checker finds a problem.
 */
import type { Command } from 'commander';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuarryError } from '../../protocol/errors.ts';
import { action, int, printJson } from './util.ts';

interface TestnetFlags {
  scenario: string;
  minutes: string;
  json?: boolean;
  keep?: boolean;
}

export function registerTestnet(command: Command): void {
  command
    .option('--scenario <name>', 'short (≈ 2 min: a kill and a 2/2 partition under load) or soak (an hour of every perturbation)', 'short')
    .option('--minutes <n>', 'length of the soak scenario (a cycle of every perturbation per 5 minutes)', '60')
    .option('--keep', 'keep the nodes\' homes (logs, data) after the run')
    .option('--json', 'print the report as JSON')
    .action(
      action(async (f: TestnetFlags) => {
        const [{ SCENARIOS, runTestnet }, { netnsUnavailable }] = await Promise.all([import('../testnet/scenario.ts'), import('../testnet/netns.ts')]);
        const make = SCENARIOS[f.scenario];
        if (!make) throw new QuarryError('E_BAD_REQUEST', `unknown scenario "${f.scenario}" (${Object.keys(SCENARIOS).join(', ')})`);
        const why = netnsUnavailable();
        if (why) throw new QuarryError('E_UNAVAILABLE', why);
        const home = mkdtempSync(join(tmpdir(), 'quarry-testnet-'));
        const say = (m: string) => !f.json && process.stderr.write(`testnet: ${m}\n`);
        const log = createWriteStream(join(home, 'testnet.log'));
        try {
          const report = await runTestnet(make(int(f.minutes, 'minutes', 5, 24 * 60)), { home, progress: say, onLine: (name, line) => log.write(`${name} ${line}\n`) });
          if (f.json) printJson(report);
          else {
            const c = report.check;
            say(`recoveries: ${report.recoveries.map((r) => `${r.step} ${r.seconds ?? 'NOT'} s`).join('; ')}`);
            say(`transactions: ${report.load.accepted} accepted, ${c.committed} committed on every node, ${c.replaced} replaced (sequence re-signed), ${c.lost.length} lost, ${c.divergent.length} divergent; refused ${JSON.stringify(report.load.refused)}`);
            say(`heights ${c.heights.join(' ')}; forks ${c.forks.length}; balances ${c.conservation.ok ? 'conserved' : `NOT conserved (${c.conservation.actual} vs ${c.conservation.expected})`}; jailed ${c.jailed.length}; bans ${c.bans.length}`);
            say(c.ok && report.recoveries.every((r) => r.seconds !== null) ? 'PASS' : 'FAIL');
          }
          if (!report.check.ok || report.recoveries.some((r) => r.seconds === null)) process.exitCode = 1;
        } finally {
          log.end();
          if (f.keep) say(`homes and the nodes' combined log (testnet.log) kept in ${home}`);
          else rmSync(home, { recursive: true, force: true });
        }
      }),
    );
}
