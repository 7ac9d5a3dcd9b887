/**
 * Verifies epoch proofs in a worker thread (node/epoch/verifier-worker.ts), started on the first
 * proof and kept warm: o1js builds its verifier once, in tens of seconds, then verifies in seconds.
 * A node that never fetches a proof from a peer never loads o1js.
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../util/ts-worker.ts';
import type { EpochProofJson, VerificationKey } from '../../consensus/epoch/program.ts';
import type { EpochVerifyRequest, EpochVerifyResponse } from './verifier-worker.ts';

export class EpochProofVerifier {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (fault: EpochVerifyResponse['fault']) => void; reject: (err: Error) => void }>();
  private worker: Promise<Worker> | null = null;

  /** `cacheDir`: o1js's SRS and Lagrange-basis cache, so a restarted node builds its verifier faster. */
  constructor(private readonly cacheDir: string) {}

  private start(): Promise<Worker> {
    this.worker ??= new Promise<Worker>((resolve, reject) => {
      const worker = startTsWorker(new URL('./verifier-worker.ts', import.meta.url), { cacheDir: this.cacheDir });
      worker.once('error', reject);
      worker.once('message', () => {
        worker.on('message', (m: EpochVerifyResponse) => {
          this.pending.get(m.id)?.resolve(m.fault);
          this.pending.delete(m.id);
        });
        resolve(worker);
      });
    });
    return this.worker;
  }

  /** Why the proof does not verify under the key (`key`: the key is not the one its hash names), or null. */
  async fault(proof: EpochProofJson, vk: VerificationKey): Promise<EpochVerifyResponse['fault']> {
    const worker = await this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, proof, vk } satisfies EpochVerifyRequest);
    });
  }

  async close(): Promise<void> {
    if (this.worker) await (await this.worker).terminate();
    for (const p of this.pending.values()) p.reject(new Error('the epoch proof verifier stopped'));
    this.pending.clear();
  }
}
