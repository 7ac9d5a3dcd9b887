/**
 * Testnet scenarios and their runner (docs/testnet.md): validators in their own network namespaces
 * behind emulated links, a transfer load, perturbations on a timeline (kill -9, restart, SIGSTOP,
 * partitions, latency), the time each healing takes until every node advances two blocks past the
 * highest head at the heal, and the checker's verdict at the end.
 */
import { Devnet } from '../devnet/supervisor.ts';
import { prepareDevnet } from '../devnet/layout.ts';
import { devnetAccount, devnetGenesis } from '../../genesis/builder.ts';
import { RpcClient } from '../../client/rpc.ts';
import type { Status } from '../../protocol/rpc-types.ts';
import { TestnetHosts } from './netns.ts';
import { LinkEmulator } from './links.ts';
import { LoadGenerator } from './load.ts';
import { checkTestnet, type CheckReport } from './checker.ts';

export type Step =
  | { at: number; do: 'kill' | 'restart' | 'pause' | 'resume'; node: number }
  | { at: number; do: 'partition'; groups: number[][] }
  | { at: number; do: 'heal' }
  | { at: number; do: 'latency'; latencyMs: number; jitterMs: number };

export interface Scenario {
  name: string;
  validators: number;
  /** Seconds of load and perturbations; then the load stops and the network settles. */
  durationSec: number;
  latencyMs: number;
  jitterMs: number;
  tps: number;
  senders: number;
  steps: Step[];
}

const SHORT: Scenario = {
  name: 'short',
  validators: 4,
  durationSec: 50,
  latencyMs: 100,
  jitterMs: 20,
  tps: 4,
  senders: 8,
  steps: [
    { at: 8, do: 'kill', node: 3 },
    { at: 16, do: 'restart', node: 3 },
    { at: 26, do: 'partition', groups: [[0, 1], [2, 3]] },
    { at: 36, do: 'heal' },
  ],
};

/** Every perturbation in turn, a cycle every five minutes (an hour by default). */
function soak(minutes = 60): Scenario {
  const steps: Step[] = [];
  const cycles = Math.max(1, Math.floor(minutes / 5));
  for (let c = 0; c < cycles; c++) {
    const t = 30 + 300 * c;
    const v = c % 4;
    steps.push(
      { at: t, do: 'kill', node: v },
      { at: t + 20, do: 'restart', node: v },
      { at: t + 60, do: 'pause', node: (v + 1) % 4 },
      { at: t + 75, do: 'resume', node: (v + 1) % 4 },
      { at: t + 110, do: 'partition', groups: [[0, 1], [2, 3]] },
      { at: t + 130, do: 'heal' },
      { at: t + 170, do: 'partition', groups: [[v], [0, 1, 2, 3].filter((x) => x !== v)] },
      { at: t + 190, do: 'heal' },
      { at: t + 220, do: 'latency', latencyMs: 400, jitterMs: 200 },
      { at: t + 250, do: 'latency', latencyMs: 100, jitterMs: 20 },
    );
  }
  return { name: 'soak', validators: 4, durationSec: 300 * cycles, latencyMs: 100, jitterMs: 20, tps: 4, senders: 16, steps };
}

/** Scenarios by name; `minutes` sets the soak's length. */
export const SCENARIOS: Record<string, (minutes?: number) => Scenario> = { short: () => SHORT, soak };

export interface Recovery {
  step: string;
  /** Seconds until every running node was two blocks past the highest head at the heal (null: not within 120 s). */
  seconds: number | null;
}

export interface TestnetReport {
  scenario: string;
  recoveries: Recovery[];
  load: { accepted: number; refused: Record<string, number> };
  check: CheckReport;
}

export interface RunOptions {
  home: string;
  onLine?: (name: string, line: string) => void;
  progress?: (message: string) => void;
}

const P2P_BASE = 26656;
const RPC_BASE = 26657;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export async function runTestnet(s: Scenario, o: RunOptions): Promise<TestnetReport> {
  const progress = o.progress ?? (() => undefined);
  const hosts = new TestnetHosts();
  hosts.clearStale();
  for (let i = 0; i < s.validators; i++) hosts.add();
  const links = new LinkEmulator(hosts.hosts, (j) => P2P_BASE + 10 * j, { latencyMs: s.latencyMs, jitterMs: s.jitterMs });
  const lines: string[] = [];
  const devnet = new Devnet({
    home: o.home,
    validators: s.validators,
    miners: 0,
    minerThreads: 1,
    blockTimeMs: 1000,
    rpcBase: RPC_BASE,
    p2pBase: P2P_BASE,
    network: { listenIp: (i) => hosts.hosts[i]!.addr, dialAddr: (i, j) => links.dialAddr(i, j) },
    wrap: (name) => hosts.wrap(hosts.hosts[Number(name.slice(1))]!),
    onLine: (name, line) => {
      lines.push(`${name} ${line}`);
      o.onLine?.(name, line);
    },
  });
  const down = new Set<number>();
  try {
    await links.listen();
    devnet.nodes = await prepareDevnet(devnet.o, await devnetGenesis(s.validators));
    devnet.nodes.forEach((_, i) => devnet.startNode(i));
    await Promise.all(devnet.nodes.map((n) => devnet.waitUp(n)));
    progress(`${s.validators} validators up in namespaces ${hosts.hosts.map((h) => h.ns).join(', ')}; links ${s.latencyMs} ± ${s.jitterMs} ms`);
    const live = () => devnet.nodes.filter((_, i) => !down.has(i)).map((n) => n.rpc);
    const load = new LoadGenerator(s.senders, live);
    await load.fund(devnet.nodes[0]!.rpc, devnetAccount('faucet'));
    load.start(s.tps);
    const start = Date.now();
    const recoveries: Array<Promise<Recovery>> = [];
    for (const step of s.steps) {
      await sleep(start + step.at * 1000 - Date.now());
      progress(`t=${step.at}s ${describe(step)}`);
      const heals = await apply(step, { devnet, links, down });
      if (heals) recoveries.push(measureRecovery(describe(step), live));
    }
    await sleep(start + s.durationSec * 1000 - Date.now());
    await load.stop();
    const done = await Promise.all(recoveries);
    progress('load stopped; waiting for the last transactions to commit');
    await measureRecovery('settle', live);
    const check = await checkTestnet(devnet.nodes.map((n) => n.rpc), load.stats.accepted, load.accounts, lines);
    return { scenario: s.name, recoveries: done, load: { accepted: load.stats.accepted.length, refused: Object.fromEntries(load.stats.refused) }, check };
  } finally {
    for (const i of down) devnet.procs.get(`v${i}`)?.kill('SIGCONT');
    await devnet.stop();
    await links.close();
    hosts.destroy();
  }
}

function describe(step: Step): string {
  if ('node' in step) return `${step.do} v${step.node}`;
  if (step.do === 'partition') return `partition ${step.groups.map((g) => `{${g.map((n) => `v${n}`).join(',')}}`).join(' | ')}`;
  if (step.do === 'latency') return `latency ${step.latencyMs} ± ${step.jitterMs} ms`;
  return step.do;
}

/** Applies a step; true when it ends a perturbation (its recovery is then measured). */
async function apply(step: Step, t: { devnet: Devnet; links: LinkEmulator; down: Set<number> }): Promise<boolean> {
  const { devnet, links, down } = t;
  switch (step.do) {
    case 'kill':
      down.add(step.node);
      await devnet.kill(`v${step.node}`);
      return false;
    case 'pause':
      down.add(step.node);
      devnet.procs.get(`v${step.node}`)?.kill('SIGSTOP');
      return false;
    case 'restart':
      devnet.startNode(step.node);
      await devnet.waitUp(devnet.nodes[step.node]!);
      down.delete(step.node);
      return true;
    case 'resume':
      devnet.procs.get(`v${step.node}`)?.kill('SIGCONT');
      down.delete(step.node);
      return true;
    case 'partition':
      links.partition(step.groups);
      return false;
    case 'heal':
      links.heal();
      return true;
    case 'latency':
      links.profile = { latencyMs: step.latencyMs, jitterMs: step.jitterMs };
      return true;
  }
}

async function heightOf(url: string): Promise<bigint | null> {
  return new RpcClient(url, 3_000)
    .get<Status>('/status')
    .then((s) => BigInt(s.height))
    .catch(() => null);
}

async function measureRecovery(step: string, live: () => string[]): Promise<Recovery> {
  const start = Date.now();
  const heights = await Promise.all(live().map(heightOf));
  const target = heights.reduce<bigint>((a, b) => (b !== null && b > a ? b : a), 0n) + 2n;
  while (Date.now() - start < 120_000) {
    const now = await Promise.all(live().map(heightOf));
    if (now.every((h) => h !== null && h >= target)) return { step, seconds: Math.round((Date.now() - start) / 100) / 10 };
    await sleep(250);
  }
  return { step, seconds: null };
}
