/**
 * Signature checks on a worker thread, so a block's or a synced range's signatures are checked on
 * the second core while the event loop executes (issue #17: a cold block was signature checks
 * then execution, one after the other, on one core). Two jobs: the first transaction of a list
 * whose Ed25519 signature fails, and a randomized BLS batch (`blsBatchValid`). Either gives the
 * same answer inline or off-thread; lists shorter than INLINE_BELOW run inline (a round trip
 * costs more), as does everything until the worker is ready or if it ever fails. Started once per
 * process on first use (most node processes never need it: booting its TypeScript loader costs
 * ≈ 1 s of CPU) or by `startVerifyThread`; it never keeps a process alive on its own.
 */
import type { Worker } from 'node:worker_threads';
import { decodeSignedTx } from '../../protocol/tx.ts';
import { txSignatureValid } from '../tx/tx.ts';
import { startTsWorker } from '../util/ts-worker.ts';
import { blsBatchValid, type BlsBatchSet } from './bls.ts';

export const INLINE_BELOW = 32;

export type VerifyJob = { kind: 'tx-signatures'; txs: Uint8Array[] } | { kind: 'bls-batch'; sets: BlsBatchSet[] };
export type VerifyJobRequest = { id: number; job: VerifyJob };
export type VerifyJobResponse = { id: number; result: number | boolean } | { id: number; error: string };

/** Index of the first transaction (canonical signed-transaction bytes) whose signature fails; -1 if none. */
export function firstBadTxSignature(txs: Uint8Array[]): number {
  return txs.findIndex((bytes) => !txSignatureValid(decodeSignedTx(bytes)));
}

export function runVerifyJob(job: VerifyJob): number | boolean {
  return job.kind === 'tx-signatures' ? firstBadTxSignature(job.txs) : blsBatchValid(job.sets);
}

class VerifyThread {
  private worker: Worker | null = null;
  private ready: Promise<boolean> | null = null;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: number | boolean) => void; reject: (e: Error) => void }>();
  /** Jobs answered by the worker (tests check the off-thread path ran). */
  offThreadJobs = 0;

  start(): Promise<boolean> {
    this.ready ??= new Promise<boolean>((resolve) => {
      const worker = startTsWorker(new URL('./verify-worker.ts', import.meta.url));
      const failed = (err: Error) => {
        this.fail(err);
        resolve(false);
      };
      worker.on('error', failed);
      worker.on('exit', () => failed(new Error('the verify thread exited')));
      worker.once('message', () => {
        worker.on('message', (m: VerifyJobResponse) => this.answer(m));
        worker.unref(); // once ready (and after its listeners, which ref it): never what keeps a process up
        this.worker = worker;
        resolve(true);
      });
    });
    return this.ready;
  }

  /** Runs `job` on the worker when it is ready, inline otherwise. */
  async run(job: VerifyJob): Promise<number | boolean> {
    if (!this.worker) {
      void this.start();
      return runVerifyJob(job);
    }
    const id = this.next++;
    const worker = this.worker;
    if (this.pending.size === 0) worker.ref(); // a caller awaits the answer: keep the process up
    const answer = new Promise<number | boolean>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    worker.postMessage({ id, job } satisfies VerifyJobRequest);
    return answer.catch(() => runVerifyJob(job)); // the worker died with it: check here
  }

  private answer(m: VerifyJobResponse): void {
    const waiting = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (!waiting) return;
    if ('error' in m) return waiting.reject(new Error(`verify thread: ${m.error}`));
    this.offThreadJobs++;
    waiting.resolve(m.result);
  }

  /** A failed worker is not restarted: every later job runs inline. */
  private fail(err: Error): void {
    this.worker = null;
    for (const { reject } of this.pending.values()) reject(err);
    this.pending.clear();
  }
}

const thread = new VerifyThread();

/** Starts the worker ahead of need (benchmarks, tests); resolves whether it is usable. */
export const startVerifyThread = (): Promise<boolean> => thread.start();

/** Jobs the worker has answered in this process. */
export const offThreadJobs = (): number => thread.offThreadJobs;

/** `firstBadTxSignature`, on the verify thread for long lists. */
export function firstBadTxSignatureOffThread(txs: Uint8Array[]): Promise<number> {
  if (txs.length < INLINE_BELOW) return Promise.resolve(firstBadTxSignature(txs));
  return thread.run({ kind: 'tx-signatures', txs }) as Promise<number>;
}

/** `blsBatchValid`, on the verify thread. */
export function blsBatchValidOffThread(sets: BlsBatchSet[]): Promise<boolean> {
  if (sets.length === 0) return Promise.resolve(true);
  return thread.run({ kind: 'bls-batch', sets }) as Promise<boolean>;
}
