/**
 * The miner (`quarry node mine`): worker threads prove nonces for the node's current puzzle;
 * solutions are signed with the prover's key and submitted over RPC; rewards are followed on the
 * node's event stream. It survives node restarts: RPC failures pause the workers and polling
 * resumes them when the node answers again.
 */
import { randomBytes } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { RpcClient, RpcError } from '../client/rpc.ts';
import { QuarryClient, type Subscription } from '../client/quarry-client.ts';
import { decodeAddress } from '../protocol/crypto/address.ts';
import { equalBytes, readU64be, toHex } from '../protocol/encoding/bytes.ts';
import { startTsWorker } from '../node/util/ts-worker.ts';
import { loadCircuit } from '../puzzle/circuit.ts';
import { signSolution } from '../puzzle/solution.ts';
import type { MinerWork, WorkerReport } from './worker.ts';
import type { CircuitName } from '../circuits/artifacts.ts';

export interface MinerKey {
  address: string;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export interface MinerOptions {
  rpcUrl: string;
  key: MinerKey;
  threads: number;
  pollMs?: number;
  onStatus?: (s: MinerStats) => void;
  onEvent?: (message: string) => void;
}

export interface MinerStats {
  connected: boolean;
  epoch: string;
  proofTarget: string;
  coinbaseTarget: string;
  proofs: number;
  proofsPerSecond: number;
  /** Each worker thread's rate over the same window (a thread far below the others is starved or failing). */
  threadProofsPerSecond: number[];
  found: number;
  /** Wall-clock ms of the last solution a thread found (null before the first). */
  lastSolutionAt: number | null;
  accepted: number;
  paid: number;
  earned: bigint;
  rejected: Record<string, number>;
}

interface PuzzleInfo {
  epoch: string;
  challenge: string;
  proofTarget: string;
  coinbaseTarget: string;
  circuit: CircuitName;
  circuitId: string;
}

const RATE_WINDOW_MS = 20_000;

export class Miner {
  readonly stats: MinerStats = { connected: false, epoch: '-', proofTarget: '-', coinbaseTarget: '-', proofs: 0, proofsPerSecond: 0, threadProofsPerSecond: [], found: 0, lastSolutionAt: null, accepted: 0, paid: 0, earned: 0n, rejected: {} };
  private readonly rpc: RpcClient;
  private readonly submitRpc: RpcClient;
  private readonly generation = new Int32Array(new SharedArrayBuffer(4));
  private workers: Worker[] = [];
  private current: (PuzzleInfo & { generation: number }) | null = null;
  /** Proof completion times within RATE_WINDOW_MS: all threads, and per thread. */
  private readonly proofTimes: number[] = [];
  private threadProofTimes: number[][] = [];
  private timer: NodeJS.Timeout | null = null;
  private events: Subscription | null = null;
  private stopped = false;
  private paused = false;
  private latest: PuzzleInfo | null = null;
  private chainId = '';
  private readonly startedAt = Date.now();

  constructor(private readonly o: MinerOptions) {
    this.rpc = new RpcClient(o.rpcUrl, 5_000);
    // a node verifies a solution before answering (its first check also prepares its verifier)
    this.submitRpc = new RpcClient(o.rpcUrl, 60_000);
  }

  async start(): Promise<void> {
    await this.poll();
    this.subscribe();
  }

  private async startWorkers(circuit: CircuitName): Promise<void> {
    if (this.workers.length > 0) return;
    loadCircuit(circuit); // verify the artifacts before spawning
    this.o.onEvent?.(`starting ${this.o.threads} prover thread(s) on the ${circuit} circuit (each first precomputes its proving tables: seconds to a minute)`);
    const started = Date.now();
    this.workers = Array.from({ length: this.o.threads }, () => startTsWorker(new URL('./worker.ts', import.meta.url), { circuit, generation: this.generation }));
    this.threadProofTimes = this.workers.map(() => []);
    await Promise.all(this.workers.map((w, thread) => new Promise<void>((resolve, reject) => {
      w.once('error', reject);
      w.on('message', (m: WorkerReport) => (m.type === 'ready' ? resolve() : this.onReport(m, thread)));
    })));
    this.o.onEvent?.(`prover threads ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  private schedule(): void {
    if (!this.stopped) this.timer = setTimeout(() => void this.poll(), this.o.pollMs ?? 1000);
  }

  private async poll(): Promise<void> {
    try {
      if (!this.chainId) this.chainId = (await this.rpc.get<{ chainId: string }>('/status')).chainId;
      const p = await this.rpc.get<PuzzleInfo>('/puzzle');
      if (!this.stats.connected) this.o.onEvent?.(`connected to ${this.o.rpcUrl} (epoch ${p.epoch})`);
      this.stats.connected = true;
      await this.startWorkers(p.circuit);
      this.latest = p;
      if (!this.paused) this.update(p);
    } catch (err) {
      if (this.stats.connected) this.o.onEvent?.(`lost the node (${err instanceof RpcError ? err.code : (err as Error).message}); retrying`);
      this.stats.connected = false;
      this.pause();
    }
    this.refreshRate();
    this.o.onStatus?.(this.stats);
    this.schedule();
  }

  /** Stops (true) or restarts (false) the proving loop without stopping the threads (market work). */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (paused) this.pause();
    else if (this.latest && this.stats.connected) this.update(this.latest);
  }

  /** Reward per second mining has earned since the start (uqry/s). */
  rewardRate(): number {
    return Number(this.stats.earned) / Math.max(1, (Date.now() - this.startedAt) / 1000);
  }

  private pause(): void {
    if (!this.current) return;
    this.current = null;
    Atomics.add(this.generation, 0, 1);
  }

  private update(p: PuzzleInfo): void {
    const cur = this.current;
    const stale = !cur || cur.epoch !== p.epoch || cur.challenge !== p.challenge;
    Object.assign(this.stats, { epoch: p.epoch, proofTarget: p.proofTarget, coinbaseTarget: p.coinbaseTarget });
    if (!stale && cur.proofTarget === p.proofTarget) return;
    const generation = stale ? Atomics.add(this.generation, 0, 1) + 1 : cur!.generation;
    if (stale && cur) this.o.onEvent?.(`new epoch ${p.epoch}: dropping stale work`);
    this.current = { ...p, generation };
    const base = readU64be(randomBytes(8), 0);
    this.workers.forEach((w, i) =>
      w.postMessage({
        generation,
        epoch: BigInt(p.epoch),
        challenge: BigInt(p.challenge),
        address: decodeAddress(this.o.key.address),
        proofTarget: BigInt(p.proofTarget),
        firstNonce: (base + BigInt(i)) & ((1n << 64n) - 1n),
        stride: BigInt(this.workers.length),
      } satisfies MinerWork),
    );
  }

  private onReport(m: WorkerReport, thread: number): void {
    if (m.type === 'proof') {
      this.stats.proofs++;
      this.proofTimes.push(Date.now());
      this.threadProofTimes[thread]?.push(Date.now());
    } else if (m.type === 'solution' && this.current && m.generation === this.current.generation) {
      this.stats.found++;
      this.stats.lastSolutionAt = Date.now();
      void this.submit(m.epoch, m.nonce, m.proof);
    }
  }

  private async submit(epoch: bigint, nonce: bigint, proof: Uint8Array): Promise<void> {
    const k = this.o.key;
    const bytes = signSolution(this.chainId, { epoch, address: decodeAddress(k.address), nonce, proof }, k.secretKey, k.publicKey);
    try {
      await this.submitRpc.post('/solutions', { solution: toHex(bytes) });
      this.stats.accepted++;
    } catch (err) {
      const code = err instanceof RpcError ? err.code : 'E_UNAVAILABLE';
      this.stats.rejected[code] = (this.stats.rejected[code] ?? 0) + 1;
    }
  }

  private refreshRate(): void {
    const now = Date.now();
    this.stats.proofsPerSecond = windowRate(this.proofTimes, now);
    this.stats.threadProofsPerSecond = this.threadProofTimes.map((times) => windowRate(times, now));
  }

  /** Follows paid solutions on the node's event stream (the SDK's subscription reconnects by itself). */
  private subscribe(): void {
    const mine = decodeAddress(this.o.key.address);
    this.events = QuarryClient.lazy(this.o.rpcUrl).subscribe(['solution'], (e) => {
      if (e.type !== 'solution' || !equalBytes(decodeAddress(e.address), mine)) return;
      this.stats.paid++;
      this.stats.earned += BigInt(e.reward);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.events?.close();
    Atomics.add(this.generation, 0, 1);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Proofs per second over the last RATE_WINDOW_MS of completion times (drops older ones in place). */
function windowRate(times: number[], now: number): number {
  while (times.length > 0 && times[0]! < now - RATE_WINDOW_MS) times.shift();
  const span = Math.min(RATE_WINDOW_MS, now - (times[0] ?? now)) || 1;
  return times.length > 1 ? ((times.length - 1) * 1000) / span : 0;
}
