/**
 * Runs a devnet as separate OS processes (`quarry node start` per validator, `quarry node mine`
 * per miner), waits for their RPC, records them in `<home>/devnet.json`, forwards their output
 * line by line, and stops them together. Used by `quarry devnet`, the tests and the benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minerHome, prepareDevnet, type DevnetNode, type DevnetSpec } from './layout.ts';
import { DevnetUnjailer } from './unjailer.ts';
import { devnetAccount } from '../../genesis/builder.ts';

/** The asks devnet miners serve the proof market with (unless `--no-market`). */
export const DEVNET_ASKS = ['poseidon-preimage:0.1qry', 'merkle-membership:0.1qry', 'bound-preimage:0.1qry'];

/** What a devnet miner serving the market bonds (its account is funded in devnet genesis). */
const DEVNET_MINER_BOND = '100qry';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'quarry.mjs');

export interface DevnetProcess {
  name: string;
  proc: ChildProcess;
}

export interface DevnetOptions extends DevnetSpec {
  minerThreads: number;
  /** `--ask` specs every miner serves the proof market with (none: mining only). */
  minerAsks?: string[];
  /** Receives every output line of every process, with the process name. */
  onLine?: (name: string, line: string) => void;
  logFormat?: 'compact' | 'json';
  /** A command prefix per process, e.g. `ip netns exec <ns>` (the testnet runs nodes in namespaces). */
  wrap?: (name: string) => string[];
  /**
   * Runs `quarry node prove-epochs` on validator 0's home (which that node then serves, so
   * `quarry light` works against the devnet), at the lowest CPU priority (`nice -n 19`).
   */
  epochProver?: boolean;
}

/** The epoch prover's process name in logs and devnet.json. */
export const EPOCH_PROVER = 'prover';

export class Devnet {
  nodes: DevnetNode[] = [];
  readonly procs = new Map<string, ChildProcess>();
  private unjailer: DevnetUnjailer | null = null;

  constructor(readonly o: DevnetOptions) {}

  private spawn(name: string, args: string[], prefix0: string[] = []): ChildProcess {
    const [cmd, ...prefix] = [...(this.o.wrap?.(name) ?? []), ...prefix0, process.execPath];
    const proc = spawn(cmd!, [...prefix, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    const onData = (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.o.onLine?.(name, line);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    this.procs.set(name, proc);
    return proc;
  }

  startNode(i: number): ChildProcess {
    const n = this.nodes[i]!;
    return this.spawn(n.name, ['--home', n.home, 'node', 'start', '--log-format', this.o.logFormat ?? 'compact']);
  }

  startMiner(j: number): ChildProcess {
    const rpc = this.nodes[j % this.nodes.length]!.rpc;
    const market = (this.o.minerAsks ?? []).flatMap((a) => ['--ask', a]);
    if (market.length > 0) market.push('--bond', DEVNET_MINER_BOND);
    return this.spawn(`miner${j}`, ['--home', minerHome(this.o.home, j), 'node', 'mine', '--rpc', rpc, '--key', `miner-${j}`, '--threads', String(this.o.minerThreads), ...market]);
  }

  /**
   * The recursive epoch prover beside validator 0. Niced for the whole process (worker threads
   * included), so on a small machine it takes only the CPU the validators leave: a slow epoch
   * proof delays light clients, a slow validator delays the chain.
   */
  startEpochProver(): ChildProcess {
    const n = this.nodes[0]!;
    const nice = process.platform === 'linux' || process.platform === 'darwin' ? ['nice', '-n', '19'] : [];
    return this.spawn(EPOCH_PROVER, ['--home', n.home, 'node', 'prove-epochs', '--rpc', n.rpc, '--log-format', this.o.logFormat ?? 'compact'], nice);
  }

  async start(): Promise<void> {
    this.nodes = await prepareDevnet(this.o);
    this.nodes.forEach((_, i) => this.startNode(i));
    await Promise.all(this.nodes.map((n) => this.waitUp(n)));
    for (let j = 0; j < this.o.miners; j++) this.startMiner(j);
    if (this.o.epochProver) this.startEpochProver();
    const operators = this.nodes.slice(0, this.o.validators).map((_, i) => devnetAccount(`validator-${i}`));
    this.unjailer = new DevnetUnjailer(this.nodes[0]!.rpc, operators, (line) => this.o.onLine?.('devnet', line));
    this.unjailer.start();
    this.record();
  }

  /** Resolves when the node answers on RPC and keeps running; rejects if its process exits. */
  async waitUp(n: DevnetNode): Promise<void> {
    const proc = this.procs.get(n.name)!;
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`${n.name} exited with code ${code} during start`))));
    await Promise.race([waitForRpc(n.rpc, 120_000), exited]);
    await Promise.race([new Promise((r) => setTimeout(r, 300)), exited]);
  }

  record(): void {
    const pid = (name: string) => this.procs.get(name)?.pid ?? null;
    const summary = {
      validators: this.nodes.map((n) => ({ ...n, pid: pid(n.name) })),
      miners: Array.from({ length: this.o.miners }, (_, j) => ({ name: `miner${j}`, home: minerHome(this.o.home, j), rpc: this.nodes[j % this.nodes.length]!.rpc, pid: pid(`miner${j}`) })),
      epochProver: this.o.epochProver ? { home: this.nodes[0]!.home, pid: pid(EPOCH_PROVER) } : null,
    };
    writeFileSync(join(this.o.home, 'devnet.json'), JSON.stringify(summary, null, 2) + '\n');
  }

  /** Stops one process (SIGKILL by default) and waits for it to exit. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.procs.get(name);
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  }

  /**
   * Stops every process. The epoch prover gets SIGKILL: o1js blocks its event loop for minutes at
   * a time, so it would see SIGTERM only then, and it loses nothing (proofs are stored atomically,
   * and it resumes from the last one).
   */
  async stop(): Promise<void> {
    this.unjailer?.stop();
    await Promise.all([...this.procs.keys()].map((name) => this.kill(name, name === EPOCH_PROVER ? 'SIGKILL' : 'SIGTERM')));
  }
}

export async function waitForRpc(url: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`node at ${url} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
