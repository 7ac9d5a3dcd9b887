/**
 * `quarry devnet`: a local network in one command, as separate OS processes on loopback: N
 * validators (each its own home, LevelDB and libp2p identity under <home>/node-<i>), M miners and
 * the epoch prover.
 * It prints every node's RPC and p2p address, writes them with the process ids to
 * <home>/devnet.json, streams one compact combined log, and stops everything on Ctrl-C. The home
 * (default ./.quarry-devnet) persists: running it again continues the same chain; --reset starts
 * over. The devnet's keys are derived from public strings (INSECURE).
 */
import type { Command } from 'commander';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { QuarryError } from '../../protocol/errors.ts';
import { action, int } from './util.ts';

interface DevnetFlags {
  reset?: boolean;
  validators: string;
  miners: string;
  minerThreads: string;
  blockTime: string;
  rpcPort: string;
  p2pPort: string;
  market: boolean;
  epochProver: boolean;
}

/** Consensus chatter of every validator but the first is summarized by the first's block lines. */
function show(name: string, line: string): boolean {
  return name === 'v0' || !/committed block|synced blocks/.test(line);
}

export function registerDevnet(command: Command): void {
  command
    .option('--validators <n>', 'validator processes', '4')
    .option('--miners <n>', 'miner processes', '1')
    .option('--miner-threads <n>', 'prover threads per miner', '1')
    .option('--block-time <ms>', 'target block time in ms', '1000')
    .option('--rpc-port <port>', 'RPC port of validator 0 (validator i uses port + 10·i)', '26657')
    .option('--p2p-port <port>', 'p2p port of validator 0 (validator i uses port + 10·i)', '26656')
    .option('--no-market', 'miners only mine (by default they also serve the proof market: asks of 0.1 QRY on the example circuits, a 100 QRY bond)')
    .option('--no-epoch-prover', 'do not run the epoch prover (by default it proves every epoch into node-0/epoch-proofs at low CPU priority, so `quarry light` works; ≈ 3.5 GB of memory)')
    .option('--reset', 'delete the devnet home and start a new chain')
    .action(
      action(async (f: DevnetFlags, cmd: Command) => {
        const [{ Devnet, DEVNET_ASKS }, { devnetAccount }] = await Promise.all([import('../devnet/supervisor.ts'), import('../../genesis/builder.ts')]);
        const home = resolve((cmd.parent?.opts().home as string | undefined) ?? '.quarry-devnet');
        if (f.reset) rmSync(home, { recursive: true, force: true });
        const devnet = new Devnet({
          home,
          validators: int(f.validators, 'validators', 1, 16),
          miners: int(f.miners, 'miners', 0, 8),
          minerThreads: int(f.minerThreads, 'miner-threads', 1, 64),
          minerAsks: f.market ? DEVNET_ASKS : [],
          epochProver: f.epochProver,
          blockTimeMs: int(f.blockTime, 'block-time', 10, 60_000),
          rpcBase: int(f.rpcPort, 'rpc-port', 1, 65000),
          p2pBase: int(f.p2pPort, 'p2p-port', 1, 65000),
          onLine: (name, line) => show(name, line) && process.stdout.write(`${name.padEnd(7)} ${line}\n`),
        });
        process.stdout.write(`starting ${f.validators} validator(s), ${f.miners} miner(s)${f.epochProver ? " and the epoch prover" : ""} in ${home} …\n`);
        const stopping = new Promise<void>((r) => {
          process.once('SIGINT', r);
          process.once('SIGTERM', r);
        });
        await Promise.race([devnet.start(), stopping.then(() => Promise.reject(new QuarryError('E_UNAVAILABLE', 'interrupted during start')))]).catch(async (err) => {
          await devnet.stop();
          throw err;
        });
        const lines = [
          '',
          `Quarry devnet: ${devnet.nodes.length} validators, ${f.miners} miner(s) — ${home}/devnet.json`,
          ...devnet.nodes.map((n) => `  ${n.name}  RPC ${n.rpc}  p2p ${n.p2p}  pid ${devnet.procs.get(n.name)?.pid}`),
          `  faucet ${devnetAccount('faucet').address} (key file ${devnet.nodes[0]!.home}/keys/faucet.json)`,
          ...(f.market && Number(f.miners) > 0 ? [`  market: the miners sell proofs (${DEVNET_ASKS.join(', ')}), bonded 100 QRY`] : []),
          ...(f.epochProver
            ? [`  epoch prover: proves each epoch into ${devnet.nodes[0]!.home}/epoch-proofs at low priority (the first proof ≈ 13 min beside the devnet on 2 cores: compiling ≈ 12 min, cached after; then a step of up to four epochs every ≈ 5 min); \`quarry light\` works from then on`]
            : []),
          `  explorer (verified from genesis in your browser, once the first epoch is proven): ${devnet.nodes[0]!.rpc}/explorer/`,
          `  try:   curl ${devnet.nodes[0]!.rpc}/status`,
          `         npx quarry --home ${devnet.nodes[0]!.home} tx send --from faucet --to <qry1…> --amount 5qry`,
          'Ctrl-C stops every process; running it again continues the same chain.',
          '',
        ];
        process.stdout.write(lines.join('\n'));
        await stopping;
        process.stdout.write('\nstopping the devnet …\n');
        await devnet.stop();
      }),
    );
}
