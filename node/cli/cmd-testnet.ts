/**
 * `quarry testnet`: validators in their own Linux network namespaces behind emulated links, a
 * transfer load and a scripted run of perturbations (kill -9, restart, SIGSTOP, partitions,
 * latency, a double signer, a hostile peer), then the checker's verdict: same blocks everywhere,
 * accepted transactions committed everywhere or nowhere, balances conserved, no honest node
 * jailed or banned, every adversary punished (docs/testnet.md). Needs
 * root (ip netns). Exit status 1 when the checker finds a problem.
 */
import type { Command } from 'commander';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuarryError } from '../../protocol/errors.ts';
import { action, int, printJson } from './util.ts';
import type { TestnetReport } from '../testnet/scenario.ts';

interface TestnetFlags {
  scenario: string;
  minutes: string;
  json?: boolean;
  keep?: boolean;
}

function passed(r: TestnetReport): boolean {
  return r.check.ok && (r.requests?.ok ?? true) && r.recoveries.every((x) => x.seconds !== null);
}

export function registerTestnet(command: Command): void {
  command
    .option('--scenario <name>', 'short (≈ 2–3 min: a kill, a 2/2 partition, a hostile peer, a flood and a double signer under load), flood (the large-block attack alone), crowd (a double signer among peers that serve nothing), endgame (the last minutes of the soak: a miner, proof requests, a flood, then a double signer) or soak (an hour of every perturbation, with a miner and proof requests)', 'short')
    .option('--minutes <n>', 'length of the soak scenario (a cycle of every perturbation per 6 minutes)', '60')
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
            for (const f of report.floods) say(`flood: ${f.accepted} transactions of ${f.bytesEach} bytes accepted, refused ${JSON.stringify(f.refused)}`);
            say(`transactions: ${c.accepted} accepted (${report.load.accepted} from the load), ${c.committed} committed on every node, ${c.replaced} replaced (sequence re-signed), ${c.lost.length} lost, ${c.divergent.length} divergent; refused ${JSON.stringify(report.load.refused)}`);
            say(`heights ${c.heights.join(' ')}; forks ${c.forks.length}; balances ${c.conservation.ok ? 'conserved' : `NOT conserved (${c.conservation.actual} vs ${c.conservation.expected})`}; honest jailed ${c.jailed.length}; honest bans ${c.bans.length}`);
            say(`adversaries: double signers not tombstoned ${c.unpunished.length}; hostile peers banned by ${JSON.stringify(Object.values(c.hostileBans))} of ${c.heights.length} nodes`);
            const q = report.requests;
            if (q) say(`proof requests: ${q.posted} posted, ${q.fulfilled} fulfilled, ${q.expired} expired (refunded), ${q.pending} before their deadline, ${q.notCreated} never executed, ${q.stuck.length} stuck past it; refused ${JSON.stringify(q.refused)}`);
            say(passed(report) ? 'PASS' : 'FAIL');
          }
          if (!passed(report)) process.exitCode = 1;
        } finally {
          log.end();
          if (f.keep) say(`homes and the nodes' combined log (testnet.log) kept in ${home}`);
          else rmSync(home, { recursive: true, force: true });
        }
      }),
    );
}
