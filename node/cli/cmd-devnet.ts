/**
 * `quarry devnet`: a local chain in one command. On first run it creates a persistent home
 * (default ./.quarry-devnet) from genesis/devnet.json with the devnet's well-known keys; later runs
 * continue the same chain. `--reset` starts over.
 */
import type { Command } from 'commander';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { homePaths, writeDefaultConfig } from '../config.ts';
import { saveAccountKey, saveValidatorKey } from '../crypto/keyfile.ts';
import { devnetAccount, devnetValidatorKey } from '../../genesis/builder.ts';
import { action } from './util.ts';
import { startNode, stopOnSignals } from './run-node.ts';

export const DEVNET_GENESIS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'genesis', 'devnet.json');

interface DevnetFlags {
  reset?: boolean;
  rpcListen: string;
  blockTime: string;
  miners: string;
  minerThreads: string;
}

export function initDevnetHome(home: string, rpcListen: string, blockTimeMs: number): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeDefaultConfig(home, { rpc: { listen: rpcListen }, consensus: { blockTimeMs } });
  copyFileSync(DEVNET_GENESIS_FILE, homePaths(home).genesis);
  saveValidatorKey(home, devnetValidatorKey(0));
  saveAccountKey(home, devnetAccount('faucet'));
  saveAccountKey(home, devnetAccount('validator-0'));
  saveAccountKey(home, devnetAccount('miner-0'));
}

/** Runs `quarry node mine` as a child process and prefixes its output lines. */
function spawnMiner(home: string, rpcUrl: string, threads: number): ChildProcess {
  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'quarry.mjs');
  const child = spawn(process.execPath, [bin, '--home', home, 'node', 'mine', '--rpc', rpcUrl, '--key', 'miner-0', '--threads', String(threads)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) process.stdout.write(`[miner] ${line.trim()}\n`);
  };
  child.stdout!.on('data', prefix);
  child.stderr!.on('data', prefix);
  return child;
}

export function registerDevnet(program: Command): void {
  program
    .command('devnet')
    .description('run a local devnet (INSECURE well-known keys); its home is --home, default ./.quarry-devnet, and persists')
    .option('--reset', 'delete the devnet home and start a new chain')
    .option('--rpc-listen <host:port>', 'RPC listen address', '127.0.0.1:26657')
    .option('--block-time <ms>', 'target block time in ms', '1000')
    .option('--miners <n>', 'miner processes to run beside the node (0 or 1)', '1')
    .option('--miner-threads <n>', 'prover threads per miner', '1')
    .action(
      action(async (flags: DevnetFlags, cmd: Command) => {
        const home = resolve((cmd.parent?.opts().home as string | undefined) ?? '.quarry-devnet');
        if (flags.reset) rmSync(home, { recursive: true, force: true });
        const fresh = !existsSync(homePaths(home).genesis);
        if (fresh) initDevnetHome(home, flags.rpcListen, Number(flags.blockTime));
        else if (!existsSync(join(home, 'keys', 'miner-0.json'))) saveAccountKey(home, devnetAccount('miner-0'));
        const node = await startNode({ home, validator: true, logFormat: 'compact', overrides: { rpc: { listen: flags.rpcListen }, consensus: { blockTimeMs: Number(flags.blockTime) } } });
        const faucet = devnetAccount('faucet');
        process.stdout.write(
          [
            '',
            `Quarry devnet ${fresh ? 'created' : 'resumed'} at height ${node.chain.head.height}`,
            `  home     ${home}`,
            `  chain    ${node.chain.chainId}`,
            `  RPC      ${node.rpc.url}   (try: curl ${node.rpc.url}/status)`,
            `  faucet   ${faucet.address} (key "faucet")`,
            `  miner    ${devnetAccount('miner-0').address} (key "miner-0"; its solutions are paid from the coinbase)`,
            '',
            `  send:    npx quarry tx send --home ${home} --from faucet --to <qry1…> --amount 5qry`,
            `  query:   npx quarry query account ${faucet.address} --prove`,
            '',
            'Ctrl-C stops the devnet; running it again continues the same chain.',
            '',
          ].join('\n'),
        );
        const miner = Number(flags.miners) > 0 ? spawnMiner(home, node.rpc.url, Number(flags.minerThreads)) : null;
        await stopOnSignals(node);
        miner?.kill('SIGTERM');
      }),
    );
}
