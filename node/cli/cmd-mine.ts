/** `quarry node mine`: run the prover (miner) against a node's RPC. */
import type { Command } from 'commander';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MinerStatsFile } from '../../tui/model.ts';
import type { AccountKey } from '../crypto/keyfile.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { formatAmount, parseAmount } from '../../client/amount.ts';
import { RpcClient } from '../../client/rpc.ts';
import type { Miner, MinerStats } from '../../miner/miner.ts';
import type { MarketProver, MarketStats } from '../../miner/market.ts';
import { resolveCircuit } from './cmd-market.ts';
import { action, homeOf, withRpc } from './util.ts';

interface MineFlags {
  rpc: string;
  address?: string;
  key?: string;
  threads: string;
  ask?: string[];
  bond: string;
  metricsListen?: string;
  logFormat?: 'compact' | 'json';
}

/** One output line: compact text for people, or a JSON object per line for log shippers. */
function printer(format: 'compact' | 'json', tty: boolean) {
  const time = () => new Date().toISOString();
  return {
    event: (msg: string) => process.stdout.write(format === 'json' ? `${JSON.stringify({ time: time(), msg })}\n` : `${tty ? '\r\x1b[K' : ''}${time().slice(11, 19)} ${msg}\n`),
    status: (s: MinerStats, m?: MarketStats) =>
      process.stdout.write(format === 'json' ? `${JSON.stringify({ time: time(), msg: 'status', ...s, earned: s.earned.toString(), market: m ? { ...m, earned: m.earned.toString() } : null })}\n` : `${time().slice(11, 19)} ${statusLine(s, m)}\n`),
  };
}

async function minerKey(home: string, f: MineFlags): Promise<AccountKey> {
  const { listAccountKeys, loadAccountKey } = await import('../crypto/keyfile.ts');
  if (f.key) return loadAccountKey(home, f.key);
  if (!f.address) throw new QuarryError('E_KEY', 'pass --address qry1… (a key in <home>/keys) or --key NAME');
  const key = listAccountKeys(home).find((k) => k.address === f.address);
  if (!key) throw new QuarryError('E_KEY', `no key for ${f.address} in ${home}/keys: solutions are signed by the prover's key (import it with "quarry keys import")`);
  return key;
}

export function statusLine(s: MinerStats, m?: MarketStats): string {
  const rejected = Object.entries(s.rejected).map(([c, n]) => `${c}×${n}`).join(' ');
  return [
    s.connected ? (m?.busy ? `proving ${m.busy}` : 'mining') : 'reconnecting',
    `${s.proofsPerSecond.toFixed(2)} proofs/s (${s.proofs} total)`,
    `found ${s.found} accepted ${s.accepted} paid ${s.paid}${rejected ? ` rejected ${rejected}` : ''}`,
    `epoch ${s.epoch} proofTarget ${s.proofTarget} coinbaseTarget ${s.coinbaseTarget}`,
    `earned ${formatAmount(s.earned)}`,
    ...(m ? [`market locked ${m.locked} filled ${m.fulfilled} failed ${m.failed} unprovable ${m.unprovable} earned ${formatAmount(m.earned)}`] : []),
  ].join(' | ');
}

/** The stats file `quarry tui` shows (written whole, then renamed, so readers never see half). */
function writeMinerStats(file: string, address: string, startedAt: number, s: MinerStats, m?: MarketStats): void {
  const body: MinerStatsFile = {
    address,
    connected: s.connected,
    proofsPerSecond: s.proofsPerSecond,
    threadProofsPerSecond: s.threadProofsPerSecond,
    lastSolutionAt: s.lastSolutionAt,
    startedAt,
    proofs: s.proofs,
    found: s.found,
    accepted: s.accepted,
    paid: s.paid,
    earned: s.earned.toString(),
    market: m ? { busy: m.busy, locked: m.locked, fulfilled: m.fulfilled, failed: m.failed, unprovable: m.unprovable, earned: m.earned.toString() } : null,
    updatedAt: Date.now(),
  };
  try {
    writeFileSync(`${file}.tmp`, JSON.stringify(body));
    renameSync(`${file}.tmp`, file);
  } catch {
    // the home may be read-only; the dashboard just shows no miner
  }
}

export function registerMine(node: Command): void {
  withRpc(node.command('mine'))
    .description('mine proof-of-succinct-work solutions for a node (worker threads prove in a loop)')
    .option('--address <qry1…>', 'prover address (its key must be in <home>/keys)')
    .option('--key <name>', 'prover key name in <home>/keys (instead of --address)')
    .option('--threads <n>', 'prover threads', '1')
    .option('--ask <circuit:price:turnaround:capacity>', 'also serve the proof market with this ask (circuit id or name; turnaround and capacity optional; repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--bond <amount>', 'market collateral to hold while serving asks', '100qry')
    .option('--metrics-listen <host:port>', 'serve Prometheus metrics at http://host:port/metrics (off unless given)')
    .option('--log-format <format>', 'compact|json (default: compact; json prints one object per line, status every 10 s)')
    .action(
      action(async (f: MineFlags, cmd: Command) => {
        const threads = Number(f.threads);
        if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new QuarryError('E_CONFIG', '--threads must be an integer from 1 to 64');
        const [{ Miner }, { MarketProver, parseAsk }, { MINER_STATS_FILE }] = await Promise.all([import('../../miner/miner.ts'), import('../../miner/market.ts'), import('../../tui/model.ts')]);
        const key = await minerKey(homeOf(cmd), f);
        if (f.logFormat && f.logFormat !== 'json' && f.logFormat !== 'compact') throw new QuarryError('E_CONFIG', '--log-format must be compact or json');
        const format = f.logFormat ?? 'compact';
        const tty = process.stdout.isTTY && format === 'compact';
        let last = 0;
        const out = printer(format, tty);
        const event = out.event;
        const { MinerMetrics } = await import('../../miner/metrics.ts');
        const metrics = new MinerMetrics();
        let metricsServer: { close: () => void } | undefined;
        if (f.metricsListen) {
          const { parseListen } = await import('../config.ts');
          const { host, port } = parseListen(f.metricsListen);
          const { url, server } = await metrics.listen(host, port).catch((err: Error) => {
            throw new QuarryError('E_CONFIG', `cannot serve metrics on ${f.metricsListen}: ${err.message}`);
          });
          metricsServer = server;
          event(`metrics at ${url}`);
        }
        let market: MarketProver | undefined;
        const statsFile = join(homeOf(cmd), MINER_STATS_FILE);
        const startedAt = Date.now();
        const miner: Miner = new Miner({
          rpcUrl: f.rpc,
          key,
          threads,
          onEvent: event,
          onStatus: (s) => {
            writeMinerStats(statsFile, key.address, startedAt, s, market?.stats);
            metrics.update(s, market?.stats);
            if (tty) process.stdout.write(`\r\x1b[K${statusLine(s, market?.stats)}`);
            else if (Date.now() - last >= 10_000) {
              last = Date.now();
              out.status(s, market?.stats);
            }
          },
        });
        if (f.ask?.length) {
          const rpc = new RpcClient(f.rpc);
          const asks = await Promise.all(f.ask.map(async (spec) => {
            const a = parseAsk(spec, parseAmount);
            return { ...a, circuit: await resolveCircuit(rpc, a.circuit) };
          }));
          const { derivedEncryptionSecret } = await import('../../protocol/seal.ts');
          market = new MarketProver({ rpcUrl: f.rpc, key, asks, bond: parseAmount(f.bond), sealKey: derivedEncryptionSecret(key.secretKey), miningRate: () => miner.rewardRate(), setMining: (on) => miner.setPaused(!on), onEvent: event });
        }
        event(`mining for ${key.address} with ${threads} thread(s) against ${f.rpc}${market ? ', serving the proof market' : ''}`);
        await miner.start();
        await market?.start();
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await market?.stop();
        await miner.stop();
        metricsServer?.close();
        if (tty) process.stdout.write('\n');
        out.status(miner.stats, market?.stats);
      }),
    );
}
