/**
 * Verifies epoch proofs in a child process (node/epoch/verifier-worker.ts) at the lowest CPU
 * priority, started on the first proof and kept warm: o1js builds its verifier once, in tens of
 * seconds, then verifies in seconds. A node that never fetches a proof from a peer never loads o1js.
 */
import type { ChildProcess } from 'node:child_process';
import { startTsProcess } from '../util/ts-worker.ts';
import type { EpochProofJson, VerificationKey } from '../../consensus/epoch/program.ts';
import type { EpochVerifyRequest, EpochVerifyResponse } from './verifier-worker.ts';

export class EpochProofVerifier {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (fault: EpochVerifyResponse['fault']) => void; reject: (err: Error) => void }>();
  private child: Promise<ChildProcess> | null = null;

  /** `cacheDir`: o1js's SRS and Lagrange-basis cache, so a restarted node builds its verifier faster. */
  constructor(private readonly cacheDir: string) {}

  private start(): Promise<ChildProcess> {
    this.child ??= new Promise<ChildProcess>((resolve, reject) => {
      const child = startTsProcess(new URL('./verifier-worker.ts', import.meta.url), [this.cacheDir]);
      child.once('error', reject);
      // a verifier that died (killed, out of memory) fails what it held; the next proof starts another
      child.once('exit', (code, signal) => {
        this.child = null;
        this.failPending(new Error(`the epoch proof verifier exited (${signal ?? code})`));
        reject(new Error(`the epoch proof verifier exited before it was ready (${signal ?? code})`));
      });
      child.once('message', () => {
        child.on('message', (m: EpochVerifyResponse) => {
          this.pending.get(m.id)?.resolve(m.fault);
          this.pending.delete(m.id);
        });
        resolve(child);
      });
    });
    return this.child;
  }

  /** Why the proof does not verify under the key (`key`: the key is not the one its hash names), or null. */
  async fault(proof: EpochProofJson, vk: VerificationKey): Promise<EpochVerifyResponse['fault']> {
    const child = await this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, proof, vk } satisfies EpochVerifyRequest);
    });
  }

  async close(): Promise<void> {
    const child = await this.child?.catch(() => null);
    this.child = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited;
    }
    this.failPending(new Error('the epoch proof verifier stopped'));
  }

  private failPending(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
