/**
 * `quarry node prove-epochs` (the recursive epoch prover, its own process) and `quarry light`
 * (the light client: state verified from genesis with one proof, one commit and one Merkle proof).
 * docs/epochs.md.
 */
import type { Command } from 'commander';
import { QuarryError } from '../../protocol/errors.ts';
import { homePaths } from '../home.ts';
import type { LogFormat } from '../log.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import type { LightClient, VerifiedHeader } from '../../light/light-client.ts';
import { checkRpcUrl } from '../../client/rpc.ts';
import { action, count, homeOf, printJson, withRpc } from './util.ts';

export function registerProveEpochs(node: Command): void {
  withRpc(node.command('prove-epochs'))
    .description('prove each epoch handoff recursively (o1js) into <home>/epoch-proofs, which the node at this home serves')
    .option('--until <epoch>', 'stop after proving this epoch (default: keep following the chain)')
    .option('--log-format <format>', 'json|compact (default: compact on a terminal, else json)')
    .action(
      action(async (f: { rpc: string; until?: string; logFormat?: LogFormat }, cmd: Command) => {
        const [{ createLogger }, { EpochProverLoop }] = await Promise.all([import('../log.ts'), import('../epoch/prover.ts')]);
        const home = homeOf(cmd);
        const logFormat = f.logFormat ?? (process.stdout.isTTY ? 'compact' : 'json');
        const log = createLogger({ format: logFormat, name: 'epoch-prover' });
        const until = f.until === undefined ? undefined : count(f.until, '--until');
        const loop = new EpochProverLoop({ rpcUrl: f.rpc, home, keysDir: homePaths(home).epochKeys, log, logFormat, until });
        for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => loop.stop());
        await loop.run();
      }),
    );
}

interface LightFlags {
  rpc: string;
  source: string[];
  genesis: string;
  vkHash?: string;
  trustingPeriod: string;
  maxAge: string;
  json?: boolean;
}

/** o1js, the genesis codec and BLS load here, when a light command runs. */
async function lightClient(f: LightFlags, cacheDir: string): Promise<LightClient> {
  const [{ loadGenesisFile }, { LightClient }, { PINNED_EPOCH_VK_HASHES }] = await Promise.all([import('../genesis.ts'), import('../../light/light-client.ts'), import('../../consensus/epoch/verification-keys.ts')]);
  const genesis = loadGenesisFile(f.genesis);
  const size = Number(genesis.params.staking.maxValidators);
  const trustedVkHash = f.vkHash ?? PINNED_EPOCH_VK_HASHES[size];
  if (!trustedVkHash) throw new QuarryError('E_CONFIG', `no pinned epoch verification key for ${size} validators: pass --vk-hash (printed by prove-epochs as vkHash)`);
  const hours = Number(f.trustingPeriod);
  if (!(hours > 0)) throw new QuarryError('E_CONFIG', '--trusting-period must be a positive number of hours');
  const minutes = Number(f.maxAge);
  if (!(minutes > 0)) throw new QuarryError('E_CONFIG', '--max-age must be a positive number of minutes');
  return new LightClient({ rpcUrl: f.rpc, sources: f.source, genesis, trustedVkHash, trustingPeriodMs: hours * 3600_000, maxAgeMs: minutes * 60_000, cacheDir });
}

function report(f: LightFlags, head: VerifiedHeader, answer: Record<string, string>): void {
  const out = { ...answer, epoch: head.epoch.toString(), height: head.height.toString(), header: head.hash, stateRoot: toHex(head.stateRoot), timingsMs: head.timings };
  if (f.json) return printJson(out);
  const total = Object.values(head.timings).reduce((s, t) => s + t, 0);
  const lines = [
    ...Object.entries(answer).map(([k, v]) => `${k.padEnd(10)} ${v}`),
    `verified   at height ${head.height} (epoch ${head.epoch}), header ${head.hash.slice(0, 16)}…`,
    ...Object.entries(head.timings).map(([k, ms]) => `  ${k.padEnd(13)} ${ms} ms`),
    `  total         ${total} ms`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

export function registerLight(light: Command): void {
  withRpc(light, 'node RPC URL (untrusted)')
    .requiredOption('--genesis <file>', "the chain's genesis file (what the proofs must descend from)")
    .option('--vk-hash <hash>', 'trusted epoch program verification key hash (default: pinned for the genesis set size)')
    .option('--source <url>', 'another node RPC URL asked for its newest epoch proof (repeatable; the highest that verifies wins)', (url: string, all: string[]) => [...all, checkRpcUrl(url)], [] as string[])
    .option('--trusting-period <hours>', 'refuse headers older than this', '336')
    .option('--max-age <minutes>', 'refuse a verified state older than this (E_LIGHT_STALE): every source behind, or serving an old proof', '60')
    .option('--json', 'print JSON');
  light
    .command('account <address>')
    .description("an account's verified balance and sequence")
    .action(
      action(async (address: string, _o: unknown, cmd: Command) => {
        const f = cmd.parent!.opts() as LightFlags;
        const client = await lightClient(f, homePaths(homeOf(cmd)).lightCache);
        const a = await client.verifyAccount(address);
        report(f, a, { address, balance: `${a.balance} uqry`, sequence: a.sequence.toString() });
      }),
    );
  light
    .command('status')
    .description('the newest header the proven validator set finalized')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        const f = cmd.parent!.opts() as LightFlags;
        const client = await lightClient(f, homePaths(homeOf(cmd)).lightCache);
        report(f, await client.verifyHead(), {});
      }),
    );
}
