/** `quarry node mine`: run the prover (miner) against a node's RPC. */
import type { Command } from 'commander';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MinerStatsFile } from '../../tui/model.ts';
import type { AccountKey } from '../crypto/keyfile.ts';
import { QuarryError } from '../errors.ts';
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
    ...(m ? [`market locked ${m.locked} filled ${m.fulfilled} failed ${m.failed} earned ${formatAmount(m.earned)}`] : []),
  ].join(' | ');
}

/** The stats file `quarry tui` shows (written whole, then renamed, so readers never see half). */
function writeMinerStats(file: string, address: string, s: MinerStats, m?: MarketStats): void {
  const body: MinerStatsFile = {
    address,
    connected: s.connected,
    proofsPerSecond: s.proofsPerSecond,
    proofs: s.proofs,
    found: s.found,
    accepted: s.accepted,
    paid: s.paid,
    earned: s.earned.toString(),
    market: m ? { busy: m.busy, locked: m.locked, fulfilled: m.fulfilled, failed: m.failed, earned: m.earned.toString() } : null,
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
    .action(
      action(async (f: MineFlags, cmd: Command) => {
        const threads = Number(f.threads);
        if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new QuarryError('E_CONFIG', '--threads must be an integer from 1 to 64');
        const [{ Miner }, { MarketProver, parseAsk }, { MINER_STATS_FILE }] = await Promise.all([import('../../miner/miner.ts'), import('../../miner/market.ts'), import('../../tui/model.ts')]);
        const key = await minerKey(homeOf(cmd), f);
        const tty = process.stdout.isTTY;
        let last = 0;
        const event = (m: string) => process.stdout.write(`${tty ? '\r\x1b[K' : ''}${new Date().toISOString().slice(11, 19)} ${m}\n`);
        let market: MarketProver | undefined;
        const statsFile = join(homeOf(cmd), MINER_STATS_FILE);
        const miner: Miner = new Miner({
          rpcUrl: f.rpc,
          key,
          threads,
          onEvent: event,
          onStatus: (s) => {
            writeMinerStats(statsFile, key.address, s, market?.stats);
            if (tty) process.stdout.write(`\r\x1b[K${statusLine(s, market?.stats)}`);
            else if (Date.now() - last >= 10_000) {
              last = Date.now();
              process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${statusLine(s, market?.stats)}\n`);
            }
          },
        });
        if (f.ask?.length) {
          const rpc = new RpcClient(f.rpc);
          const asks = await Promise.all(f.ask.map(async (spec) => {
            const a = parseAsk(spec, parseAmount);
            return { ...a, circuit: await resolveCircuit(rpc, a.circuit) };
          }));
          market = new MarketProver({ rpcUrl: f.rpc, key, asks, bond: parseAmount(f.bond), miningRate: () => miner.rewardRate(), setMining: (on) => miner.setPaused(!on), onEvent: event });
        }
        process.stdout.write(`mining for ${key.address} with ${threads} thread(s) against ${f.rpc}${market ? ', serving the proof market' : ''}\n`);
        await miner.start();
        await market?.start();
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await market?.stop();
        await miner.stop();
        process.stdout.write(`\n${statusLine(miner.stats, market?.stats)}\n`);
      }),
    );
}
