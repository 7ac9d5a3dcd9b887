/**
 * Testnet scenarios and their runner (docs/testnet.md): validators and full nodes in their own
 * network namespaces behind emulated links, a transfer load, perturbations on a timeline (kill -9, restart, SIGSTOP,
 * partitions, latency, a hostile peer, a double signer), the time each healing takes until every
 * node advances two blocks past the highest head at the heal (for a double signer: until every
 * node has it tombstoned), and the checker's verdict at the end.
 */
import { Devnet, DEVNET_ASKS } from '../devnet/supervisor.ts';
import { prepareDevnet } from '../devnet/layout.ts';
import { devnetAccount, devnetGenesis, devnetValidatorKey } from '../../genesis/builder.ts';
import { secondsUntilAll } from './poll.ts';
import { RpcClient } from '../../client/rpc.ts';
import type { StakingValidator, Status } from '../../protocol/rpc-types.ts';
import { TestnetHosts } from './netns.ts';
import { LinkEmulator } from './links.ts';
import { LoadGenerator } from './load.ts';
import { checkTestnet, type CheckReport } from './checker.ts';
import { Adversary } from './adversary.ts';
import { ProofRequestLoad, type RequestReport } from './requests.ts';
import { drained, flood } from './flood.ts';
import type { AcceptedTx } from './load.ts';

/** `node` numbers validators first, then full nodes (`validators + k` is full node f<k>). */
export type Step =
  | { at: number; do: 'kill' | 'restart' | 'pause' | 'resume'; node: number }
  | { at: number; do: 'partition'; groups: number[][] }
  | { at: number; do: 'heal' }
  | { at: number; do: 'latency'; latencyMs: number; jitterMs: number }
  /** A second signer with validator `node`'s key double-signs (the node itself stays up). */
  | { at: number; do: 'double-sign'; node: number }
  /** A peer joins and sends junk until the nodes ban it. */
  | { at: number; do: 'hostile' }
  /** `peers` peers join and stay, serving nothing (as the soak's hostile peers do once their bans expire). */
  | { at: number; do: 'crowd'; peers: number }
  /** `txs` transactions of ≈ 60 KB posted back to back to validator `node` (issue #16 F1, flood.ts). */
  | { at: number; do: 'flood'; node: number; txs: number };

export interface Scenario {
  name: string;
  validators: number;
  /** Full nodes (no validator key), each in its own namespace like a validator. */
  fullNodes: number;
  /** Seconds of load and perturbations; then the load stops and the network settles. */
  durationSec: number;
  latencyMs: number;
  jitterMs: number;
  tps: number;
  senders: number;
  /** Miners (each in validator j's namespace, mining and serving the market); default 0. */
  miners?: number;
  /** Seconds between proof requests (needs a miner to fill them); none by default. */
  requestEverySec?: number;
  steps: Step[];
}

const SHORT: Scenario = {
  name: 'short',
  validators: 4,
  fullNodes: 1,
  durationSec: 62,
  latencyMs: 100,
  jitterMs: 20,
  tps: 4,
  senders: 8,
  steps: [
    { at: 8, do: 'kill', node: 3 },
    { at: 16, do: 'restart', node: 3 },
    { at: 26, do: 'partition', groups: [[0, 1], [2, 3]] },
    { at: 36, do: 'heal' },
    { at: 42, do: 'hostile' },
    { at: 46, do: 'flood', node: 0, txs: 64 },
    { at: 50, do: 'double-sign', node: 3 },
  ],
};

/**
 * Every perturbation in turn, a cycle every six minutes (an hour by default), with a hostile peer
 * (a fresh identity) and a flood in every cycle, and a double signer at the end.
 */
function soak(minutes = 60): Scenario {
  const steps: Step[] = [];
  const cycles = Math.max(1, Math.floor(minutes / 6));
  for (let c = 0; c < cycles; c++) {
    const t = 30 + CYCLE_SEC * c;
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
      { at: t + 265, do: 'hostile' },
      { at: t + 280, do: 'flood', node: (v + 2) % 4, txs: 64 },
      // the full node dies too, and must catch up by block sync under load
      { at: t + 300, do: 'kill', node: 4 },
      { at: t + 320, do: 'restart', node: 4 },
    );
  }
  // last: a double signer is tombstoned, which leaves three validators (no kill is survivable after);
  // the load runs on for 150 s, so the chain must stay live with them under load
  steps.push({ at: CYCLE_SEC * cycles, do: 'double-sign', node: 3 });
  return { name: 'soak', validators: 4, fullNodes: 1, durationSec: CYCLE_SEC * cycles + 150, latencyMs: 100, jitterMs: 20, tps: 4, senders: 16, miners: 1, requestEverySec: 20, steps };
}

const CYCLE_SEC = 360;

/** Issue #16 finding 1 replayed under load: 70 transactions of 60 KB back to back to one validator. */
const FLOOD: Scenario = { name: 'flood', validators: 4, fullNodes: 1, durationSec: 90, latencyMs: 100, jitterMs: 20, tps: 4, senders: 8, steps: [{ at: 10, do: 'flood', node: 0, txs: 70 }] };

/** A double signer while a crowd of peers that serve nothing is connected, after a flood (the end of the hour soak). */
const CROWD: Scenario = {
  name: 'crowd',
  validators: 4,
  fullNodes: 1,
  durationSec: 200,
  latencyMs: 100,
  jitterMs: 20,
  tps: 4,
  senders: 8,
  steps: [
    { at: 5, do: 'crowd', peers: 8 },
    { at: 40, do: 'flood', node: 2, txs: 64 },
    { at: 90, do: 'double-sign', node: 3 },
  ],
};

/**
 * The hour soak's last minutes in four: a miner serving the market and proof requests beside the
 * load, a flood, and a double signer 20 s into it, so three validators (who must then agree
 * unanimously) drain what is left of the flood.
 */
const ENDGAME: Scenario = {
  name: 'endgame',
  validators: 4,
  fullNodes: 1,
  durationSec: 150,
  latencyMs: 100,
  jitterMs: 20,
  tps: 4,
  senders: 16,
  miners: 1,
  requestEverySec: 20,
  steps: [
    { at: 20, do: 'hostile' },
    { at: 30, do: 'flood', node: 3, txs: 64 },
    { at: 50, do: 'double-sign', node: 3 },
  ],
};

/** Scenarios by name; `minutes` sets the soak's length. */
export const SCENARIOS: Record<string, (minutes?: number) => Scenario> = { short: () => SHORT, flood: () => FLOOD, crowd: () => CROWD, endgame: () => ENDGAME, soak };

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
  /** The proof-request load's outcomes (scenarios with requests). */
  requests: RequestReport | null;
  /** Per flood step: transactions the node accepted (the rest refused: a sender may queue 64). */
  floods: Array<{ accepted: number; refused: Record<string, number>; bytesEach: number }>;
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
  for (let i = 0; i < s.validators + s.fullNodes; i++) hosts.add();
  const links = new LinkEmulator(hosts.hosts, (j) => P2P_BASE + 10 * j, { latencyMs: s.latencyMs, jitterMs: s.jitterMs });
  const lines: string[] = [];
  const devnet = new Devnet({
    home: o.home,
    validators: s.validators,
    fullNodes: s.fullNodes,
    miners: s.miners ?? 0,
    minerThreads: 1,
    minerAsks: DEVNET_ASKS,
    blockTimeMs: 1000,
    rpcBase: RPC_BASE,
    p2pBase: P2P_BASE,
    network: { listenIp: (i) => hosts.hosts[i]!.addr, dialAddr: (i, j) => links.dialAddr(i, j) },
    // every node in its namespace; miner j beside validator j (its node), like a miner's own host
    wrap: (name) => hosts.wrap(hosts.hosts[hostOf(name, s.validators)]!),
    onLine: (name, line) => {
      lines.push(`${name} ${line}`);
      o.onLine?.(name, line);
    },
  });
  const down = new Set<number>();
  const hostile: Hostile = { adversaries: [], byzantine: [], peers: [] };
  const flooded: AcceptedTx[] = [];
  const floods: TestnetReport['floods'] = [];
  try {
    await links.listen();
    devnet.nodes = await prepareDevnet(devnet.o, await devnetGenesis(s.validators));
    devnet.nodes.forEach((_, i) => devnet.startNode(i));
    await Promise.all(devnet.nodes.map((n) => devnet.waitUp(n)));
    for (let j = 0; j < (s.miners ?? 0); j++) devnet.startMiner(j);
    progress(`${s.validators} validators and ${s.fullNodes} full node(s) up in namespaces ${hosts.hosts.map((h) => h.ns).join(', ')}; links ${s.latencyMs} ± ${s.jitterMs} ms`);
    const live = () => devnet.nodes.filter((_, i) => !down.has(i)).map((n) => n.rpc);
    const load = new LoadGenerator(s.senders, live);
    await load.fund(devnet.nodes[0]!.rpc, devnetAccount('faucet'));
    const requests = s.requestEverySec ? new ProofRequestLoad(live) : null;
    await requests?.fund(devnet.nodes[0]!.rpc, devnetAccount('faucet'));
    load.start(s.tps);
    requests?.start(s.requestEverySec!);
    const start = Date.now();
    const recoveries: Array<Promise<Recovery>> = [];
    const name = (i: number) => devnet.nodes[i]!.name;
    for (const step of s.steps) {
      await sleep(start + step.at * 1000 - Date.now());
      const what = describe(step, name);
      progress(`t=${step.at}s ${what}`);
      const heals = await apply(step, { devnet, links, down, hostile, flooded, floods });
      if (heals === 'punished') recoveries.push(measurePunished(what, live, hostile));
      else if (heals === 'drained') recoveries.push(drained(live, flooded.at(-1)).then((seconds) => ({ step: `${what} (drained)`, seconds })));
      else if (heals) recoveries.push(measureRecovery(what, live));
    }
    await sleep(start + s.durationSec * 1000 - Date.now());
    await Promise.all([load.stop(), requests?.stop()]);
    const done = await Promise.all(recoveries);
    progress('load stopped; waiting for the last transactions to commit');
    await measureRecovery('settle', live);
    // what the load sent last may still be pending: the checker would count it lost. A transaction
    // only a non-proposer holds is republished after 150 s (docs/mempool.md §rebroadcast), then
    // needs a block or two at the end-game's pace: five minutes
    const drainedIn = await secondsUntilAll(live, async (url) => (await new RpcClient(url, 3_000).get<{ txs: number }>('/mempool')).txs === 0, DRAIN_MS, 500);
    progress(drainedIn === null ? `mempools still hold transactions after ${DRAIN_MS / 1000} s` : `mempools empty after ${drainedIn.toFixed(1)} s`);
    const check = await checkTestnet(devnet.nodes.map((n) => n.rpc), [...load.stats.accepted, ...flooded], load.accounts, lines, { byzantine: hostile.byzantine, hostilePeers: hostile.peers });
    const requestReport = (await requests?.check(devnet.nodes[0]!.rpc)) ?? null;
    return { scenario: s.name, recoveries: done, load: { accepted: load.stats.accepted.length, refused: Object.fromEntries(load.stats.refused) }, check, requests: requestReport, floods };
  } finally {
    await Promise.all(hostile.adversaries.map((a) => a.stop()));
    for (const i of down) devnet.procs.get(devnet.nodes[i]!.name)?.kill('SIGCONT');
    await devnet.stop();
    await links.close();
    hosts.destroy();
  }
}

/** The host of a process by its devnet name: v<i> → i, f<k> (full node k) → validators + k, miner<j> → j's validator. */
function hostOf(name: string, validators: number): number {
  const [, kind, n] = /^(v|f|miner)(\d+)$/.exec(name) ?? [];
  if (kind === undefined || n === undefined) throw new Error(`no host for process ${name}`);
  return kind === 'v' ? Number(n) : kind === 'f' ? validators + Number(n) : Number(n) % validators;
}

/** How long the settle phase waits for the mempools to empty. */
const DRAIN_MS = 300_000;

/** A step in words; `name` names node i (v<i> for validators, f<k> for full nodes). */
function describe(step: Step, name: (i: number) => string): string {
  if (step.do === 'flood') return `flood ${name(step.node)} with ${step.txs} × 60 KB`;
  if ('node' in step) return `${step.do} ${name(step.node)}`;
  if (step.do === 'partition') return `partition ${step.groups.map((g) => `{${g.map(name).join(',')}}`).join(' | ')}`;
  if (step.do === 'latency') return `latency ${step.latencyMs} ± ${step.jitterMs} ms`;
  if (step.do === 'crowd') return `crowd of ${step.peers} silent peers`;
  return step.do;
}

/** The adversaries of a run and whom they acted as: the checker expects exactly these punished. */
interface Hostile {
  /** One per adversarial step, each a fresh peer identity. */
  adversaries: Adversary[];
  /** Operators whose key was used to double-sign. */
  byzantine: string[];
  /** Peer ids that sent junk. */
  peers: string[];
}

/** A new adversary, once connected to every running node. */
async function joinAdversary(devnet: Devnet, down: Set<number>, h: Hostile): Promise<Adversary> {
  const status = await new RpcClient(devnet.nodes[0]!.rpc).get<Status>('/status');
  const adversary = await Adversary.start({ chainId: status.chainId, genesisHash: status.genesisHash, peers: devnet.nodes.map((n) => n.p2p), listenIp: '0.0.0.0' });
  h.adversaries.push(adversary);
  const want = devnet.nodes.length - down.size;
  for (let i = 0; i < 80 && adversary.connected() < want; i++) await sleep(250);
  await sleep(2_000); // gossipsub subscriptions
  return adversary;
}

async function doubleSign(node: number, t: { devnet: Devnet; down: Set<number>; hostile: Hostile }): Promise<void> {
  const adversary = await joinAdversary(t.devnet, t.down, t.hostile);
  const rpc = new RpcClient(t.devnet.nodes[0]!.rpc);
  const operator = devnetAccount(`validator-${node}`).address;
  const { validators, height } = await rpc.get<{ height: string; validators: Array<{ address: string }> }>('/validators');
  const index = validators.findIndex((v) => v.address === operator);
  if (index < 0) throw new Error(`validator v${node} is not in the active set`);
  t.hostile.byzantine.push(operator);
  await adversary.doubleSign(devnetValidatorKey(node), index, BigInt(height) + 1n);
}

async function junk(t: { devnet: Devnet; down: Set<number>; hostile: Hostile }): Promise<void> {
  const adversary = await joinAdversary(t.devnet, t.down, t.hostile);
  t.hostile.peers.push(adversary.peerId);
  const height = BigInt((await new RpcClient(t.devnet.nodes[0]!.rpc).get<Status>('/status')).height);
  await adversary.junk(devnetValidatorKey(0), 0, height + 1n);
}

/**
 * Applies a step; true when it ends a perturbation (its recovery is then measured), 'punished'
 * when the time until the double signer is tombstoned is what to measure.
 */
async function apply(step: Step, t: { devnet: Devnet; links: LinkEmulator; down: Set<number>; hostile: Hostile; flooded: AcceptedTx[]; floods: TestnetReport['floods'] }): Promise<boolean | 'punished' | 'drained'> {
  const { devnet, links, down } = t;
  switch (step.do) {
    case 'kill':
      down.add(step.node);
      await devnet.kill(devnet.nodes[step.node]!.name);
      return false;
    case 'pause':
      down.add(step.node);
      devnet.procs.get(devnet.nodes[step.node]!.name)?.kill('SIGSTOP');
      return false;
    case 'restart':
      devnet.startNode(step.node);
      await devnet.waitUp(devnet.nodes[step.node]!);
      down.delete(step.node);
      return true;
    case 'resume':
      devnet.procs.get(devnet.nodes[step.node]!.name)?.kill('SIGCONT');
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
    case 'double-sign':
      await doubleSign(step.node, t);
      return 'punished';
    case 'hostile':
      await junk(t);
      return true;
    case 'crowd':
      await Promise.all(Array.from({ length: step.peers }, () => joinAdversary(devnet, down, t.hostile)));
      return false;
    case 'flood': {
      const f = await flood(devnet.nodes[step.node]!.rpc, devnetAccount('faucet'), step.txs);
      t.flooded.push(...f.accepted);
      t.floods.push({ accepted: f.accepted.length, refused: f.refused, bytesEach: f.bytesEach });
      return 'drained';
    }
  }
}

async function heightOf(url: string): Promise<bigint | null> {
  return new RpcClient(url, 3_000)
    .get<Status>('/status')
    .then((s) => BigInt(s.height))
    .catch(() => null);
}

/** Seconds until every running node reports each double signer tombstoned (bound: 120 s). */
async function measurePunished(step: string, live: () => string[], h: Hostile): Promise<Recovery> {
  const punished = async (url: string) => {
    const all = await new RpcClient(url, 3_000).get<{ validators: StakingValidator[] }>('/staking/validators');
    return h.byzantine.every((op) => all.validators.some((v) => v.operator === op && v.tombstoned));
  };
  return { step: `${step} (tombstoned)`, seconds: await secondsUntilAll(live, punished, 120_000, 500) };
}

async function measureRecovery(step: string, live: () => string[]): Promise<Recovery> {
  const heights = await Promise.all(live().map(heightOf));
  const target = heights.reduce<bigint>((a, b) => (b !== null && b > a ? b : a), 0n) + 2n;
  const reached = async (url: string) => ((await heightOf(url)) ?? -1n) >= target;
  return { step, seconds: await secondsUntilAll(live, reached, 120_000, 250) };
}
