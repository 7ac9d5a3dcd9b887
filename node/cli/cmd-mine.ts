/** `quarry node mine`: run the prover (miner) against a node's RPC. */
import type { Command } from 'commander';
import { listAccountKeys, loadAccountKey, type AccountKey } from '../crypto/keyfile.ts';
import { QuarryError } from '../errors.ts';
import { formatAmount } from '../../client/amount.ts';
import { Miner, type MinerStats } from '../../puzzle/miner/miner.ts';
import { action, DEFAULT_RPC, homeOf } from './util.ts';

interface MineFlags {
  rpc: string;
  address?: string;
  key?: string;
  threads: string;
}

function minerKey(home: string, f: MineFlags): AccountKey {
  if (f.key) return loadAccountKey(home, f.key);
  if (!f.address) throw new QuarryError('E_KEY', 'pass --address qry1… (a key in <home>/keys) or --key NAME');
  const key = listAccountKeys(home).find((k) => k.address === f.address);
  if (!key) throw new QuarryError('E_KEY', `no key for ${f.address} in ${home}/keys: solutions are signed by the prover's key (import it with "quarry keys import")`);
  return key;
}

export function statusLine(s: MinerStats): string {
  const rejected = Object.entries(s.rejected).map(([c, n]) => `${c}×${n}`).join(' ');
  return [
    s.connected ? 'mining' : 'reconnecting',
    `${s.proofsPerSecond.toFixed(2)} proofs/s (${s.proofs} total)`,
    `found ${s.found} accepted ${s.accepted} paid ${s.paid}${rejected ? ` rejected ${rejected}` : ''}`,
    `epoch ${s.epoch} proofTarget ${s.proofTarget} coinbaseTarget ${s.coinbaseTarget}`,
    `earned ${formatAmount(s.earned)}`,
  ].join(' | ');
}

export function registerMine(node: Command): void {
  node
    .command('mine')
    .description('mine proof-of-succinct-work solutions for a node (worker threads prove in a loop)')
    .option('--rpc <url>', 'node RPC URL', DEFAULT_RPC)
    .option('--address <qry1…>', 'prover address (its key must be in <home>/keys)')
    .option('--key <name>', 'prover key name in <home>/keys (instead of --address)')
    .option('--threads <n>', 'prover threads', '1')
    .action(
      action(async (f: MineFlags, cmd: Command) => {
        const threads = Number(f.threads);
        if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new QuarryError('E_CONFIG', '--threads must be an integer from 1 to 64');
        const key = minerKey(homeOf(cmd), f);
        const tty = process.stdout.isTTY;
        let last = 0;
        const miner = new Miner({
          rpcUrl: f.rpc,
          key,
          threads,
          onEvent: (m) => process.stdout.write(`${tty ? '\r\x1b[K' : ''}${new Date().toISOString().slice(11, 19)} ${m}\n`),
          onStatus: (s) => {
            if (tty) process.stdout.write(`\r\x1b[K${statusLine(s)}`);
            else if (Date.now() - last >= 10_000) {
              last = Date.now();
              process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${statusLine(s)}\n`);
            }
          },
        });
        process.stdout.write(`mining for ${key.address} with ${threads} thread(s) against ${f.rpc}\n`);
        await miner.start();
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await miner.stop();
        process.stdout.write(`\n${statusLine(miner.stats)}\n`);
      }),
    );
}
