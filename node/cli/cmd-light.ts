/**
 * `quarry node prove-epochs` (the recursive epoch prover, its own process) and `quarry light`
 * (the light client: state verified from genesis with one proof, one commit and one Merkle proof).
 * docs/epochs.md.
 */
import type { Command } from 'commander';
import { QuarryError } from '../../protocol/errors.ts';
import { homePaths } from '../home.ts';
import type { LogFormat } from '../log.ts';
import { fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import type { LightClient, LightClientOptions, VerifiedHeader } from '../../light/light-client.ts';
import type { Genesis } from '../genesis.ts';
import type { RpcClient } from '../../client/rpc.ts';
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

const DEFAULT_DAEMON = 'http://127.0.0.1:8547';

interface LightFlags {
  daemon: string;
  rpc: string;
  source: string[];
  genesis: string;
  vkHash?: string;
  trustingPeriod: string;
  maxAge: string;
  json?: boolean;
}

/** o1js, the genesis codec and BLS load here, when a light command runs. */
async function lightClient(f: LightFlags, cacheDir: string): Promise<{ client: LightClient; genesis: Genesis }> {
  const [{ loadGenesisFile }, { LightClient }, { PINNED_EPOCH_VK_HASHES }] = await Promise.all([import('../genesis.ts'), import('../../light/light-client.ts'), import('../../consensus/epoch/verification-keys.ts')]);
  const genesis = loadGenesisFile(f.genesis);
  return { client: new LightClient({ ...lightOptions(f, genesis, PINNED_EPOCH_VK_HASHES), cacheDir }), genesis };
}

function lightOptions(f: LightFlags, genesis: Genesis, pinned: Record<number, string>): Omit<LightClientOptions, 'cacheDir'> {
  const size = Number(genesis.params.staking.maxValidators);
  const trustedVkHash = f.vkHash ?? pinned[size];
  if (!trustedVkHash) throw new QuarryError('E_CONFIG', `no pinned epoch verification key for ${size} validators: pass --vk-hash (printed by prove-epochs as vkHash)`);
  const hours = Number(f.trustingPeriod);
  if (!(hours > 0)) throw new QuarryError('E_CONFIG', '--trusting-period must be a positive number of hours');
  const minutes = Number(f.maxAge);
  if (!(minutes > 0)) throw new QuarryError('E_CONFIG', '--max-age must be a positive number of minutes');
  return { rpcUrl: f.rpc, sources: f.source, genesis, trustedVkHash, trustingPeriodMs: hours * 3600_000, maxAgeMs: minutes * 60_000 };
}

/** A light daemon answering for this genesis at `url`, or null (none running, another chain). */
async function runningDaemon(url: string, genesisFile: string): Promise<RpcClient | null> {
  const [{ loadGenesisFile, genesisHash }, { RpcClient: Client }] = await Promise.all([import('../genesis.ts'), import('../../client/rpc.ts')]);
  // nothing listening fails at once; a daemon that is there but busy (verifying a new epoch proof
  // blocks it for seconds) is still far faster to wait for than a cold verification (≈ 100 s)
  const daemon = new Client(url, 15_000);
  const status = await daemon.get<{ genesisHash: string }>('/status').catch(() => null);
  return status?.genesisHash === toHex(genesisHash(loadGenesisFile(genesisFile))) ? daemon : null;
}

function report(f: LightFlags, head: Pick<VerifiedHeader, 'epoch' | 'height' | 'hash' | 'stateRoot' | 'timings'>, answer: Record<string, string>): void {
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
    .option('--daemon <url>', 'answer through a running `quarry light serve` for this genesis when one is there (none: never)', DEFAULT_DAEMON)
    .option('--json', 'print JSON');
  light
    .command('serve')
    .description('a light client daemon: verify from genesis once, follow new epochs and headers, serve verified answers over local HTTP')
    .option('--listen <host:port>', 'where to serve (keep it on localhost)', DEFAULT_DAEMON.replace('http://', ''))
    .option('--poll-ms <ms>', 'how often to verify the newest header', '1000')
    .action(
      action(async (o: { listen: string; pollMs: string }, cmd: Command) => {
        const f = cmd.parent!.opts() as LightFlags;
        const [{ parseListen }, { createLogger }, { LightDaemon }, { lightApi }, { genesisHash }] = await Promise.all([import('../config.ts'), import('../log.ts'), import('../../light/daemon.ts'), import('../../light/serve.ts'), import('../genesis.ts')]);
        const { host, port } = parseListen(o.listen);
        const log = createLogger({ format: process.stdout.isTTY ? 'compact' : 'json', name: 'light' });
        const { client, genesis } = await lightClient(f, homePaths(homeOf(cmd)).lightCache);
        const daemon = new LightDaemon(client, { pollMs: Math.max(100, Number(count(o.pollMs, '--poll-ms'))), onProgress: (msg, fields) => log.info(fields ?? {}, msg) });
        const api = lightApi(daemon, { chainId: genesis.chainId, genesisHash: toHex(genesisHash(genesis)), source: () => client.sourceUrl });
        await daemon.start();
        await api.listen({ host, port }).catch((err: Error) => {
          throw new QuarryError('E_CONFIG', `cannot serve on ${o.listen}: ${err.message}`);
        });
        log.info({ url: `http://${host}:${port}` }, 'serving verified answers');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        daemon.stop();
        await api.close();
      }),
    );
  light
    .command('account <address>')
    .description("an account's verified balance and sequence")
    .action(
      action(async (address: string, _o: unknown, cmd: Command) => {
        const f = cmd.parent!.opts() as LightFlags;
        const daemon = f.daemon === 'none' ? null : await runningDaemon(f.daemon, f.genesis);
        if (daemon) {
          const t0 = performance.now();
          const a = await daemon.get<{ balance: string; sequence: string; verified: { epoch: string; height: string; header: string; stateRoot: string } }>(`/accounts/${encodeURIComponent(address)}`);
          const v = a.verified;
          const head = { epoch: BigInt(v.epoch), height: BigInt(v.height), hash: v.header, stateRoot: fromHex(v.stateRoot), timings: { daemon: Math.round(performance.now() - t0) } };
          return report(f, head, { address, balance: `${a.balance} uqry`, sequence: a.sequence, via: `light daemon ${f.daemon}` });
        }
        const { client } = await lightClient(f, homePaths(homeOf(cmd)).lightCache);
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
        const { client } = await lightClient(f, homePaths(homeOf(cmd)).lightCache);
        report(f, await client.verifyHead(), {});
      }),
    );
}
