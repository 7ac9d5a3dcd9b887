/**
 * The node's SolutionChecker: canonical-proof verification with a verdict cache keyed by proof
 * hash, so each validator audits a solution once however often it sees it (pool, gossip, blocks).
 * `WorkerChecker` runs the verifier in a worker thread; `InProcessChecker` runs it inline (tests,
 * CLI).
 */
import type { Worker } from 'node:worker_threads';
import { QuarryError, type ErrorCode } from '../../protocol/errors.ts';
import { Lru } from '../store/lru.ts';
import { startTsWorker } from '../util/ts-worker.ts';
import { encodeProof, type AffineProof } from '../../protocol/proof-codec.ts';
import type { Statement } from '../../puzzle/field.ts';
import type { PuzzleVerifier } from '../../puzzle/verifier.ts';
import type { SolutionChecker } from '../modules/puzzle/solutions.ts';
import type { VerifyRequest, VerifyResponse } from '../../puzzle/verifier-worker.ts';
import type { CircuitName } from '../../circuits/artifacts.ts';

type Verdict = { ok: true } | { ok: false; code: ErrorCode; message: string };

abstract class CachedChecker implements SolutionChecker {
  private readonly verdicts = new Lru<string, Promise<Verdict>>(10_000);
  audits = 0;

  protected abstract verify(statement: Statement, proof: AffineProof): Promise<Verdict>;

  async check(statement: Statement, proof: AffineProof, key: string): Promise<void> {
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      this.audits++;
      verdict = this.verify(statement, proof);
      this.verdicts.set(key, verdict);
    }
    const v = await verdict;
    if (!v.ok) throw new QuarryError(v.code, v.message);
  }

  abstract close(): Promise<void>;
}

export class InProcessChecker extends CachedChecker {
  constructor(private readonly verifier: PuzzleVerifier) {
    super();
  }

  protected async verify(statement: Statement, proof: AffineProof): Promise<Verdict> {
    try {
      await this.verifier.check(statement, proof);
      return { ok: true };
    } catch (err) {
      const e = err instanceof QuarryError ? err : new QuarryError('E_INTERNAL', String(err));
      if (e.code === 'E_INTERNAL') throw e;
      return { ok: false, code: e.code, message: e.message };
    }
  }

  async close(): Promise<void> {
    await this.verifier.close();
  }
}

/**
 * Runs the verifier in a worker thread, started on the first check: preparing its audit bases
 * takes seconds of CPU, which a node that never sees a solution should not spend at start.
 */
export class WorkerChecker extends CachedChecker {
  private next = 1;
  private readonly pending = new Map<number, (v: VerifyResponse) => void>();
  private worker: Promise<Worker> | null = null;

  constructor(private readonly circuit: CircuitName, private readonly precompute: boolean, private readonly onReady?: (ms: number) => void) {
    super();
  }

  private start(): Promise<Worker> {
    this.worker ??= new Promise<Worker>((resolve, reject) => {
      const started = Date.now();
      const worker = startTsWorker(new URL('../../puzzle/verifier-worker.ts', import.meta.url), { circuit: this.circuit, precompute: this.precompute });
      worker.once('error', reject);
      worker.once('message', () => {
        worker.on('message', (m: VerifyResponse) => {
          const done = this.pending.get(m.id);
          this.pending.delete(m.id);
          done?.(m);
        });
        this.onReady?.(Date.now() - started);
        resolve(worker);
      });
    });
    return this.worker;
  }

  protected async verify(statement: Statement, proof: AffineProof): Promise<Verdict> {
    const worker = await this.start();
    const id = this.next++;
    const req: VerifyRequest = { id, challenge: statement.challenge, address: statement.address, nonce: statement.nonce, proof: encodeProof(proof) };
    const res = await new Promise<VerifyResponse>((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage(req);
    });
    if (res.ok) return { ok: true };
    if (res.code === 'E_INTERNAL') throw new QuarryError('E_INTERNAL', res.message);
    return { ok: false, code: res.code as ErrorCode, message: res.message };
  }

  async close(): Promise<void> {
    if (this.worker) await (await this.worker).terminate();
  }
}

/** Creates an in-process verifier on first use (replay tools and tests that may never need one). */
export class LazyChecker implements SolutionChecker {
  private inner: Promise<InProcessChecker> | null = null;
  constructor(private readonly circuit: CircuitName) {}

  private get(): Promise<InProcessChecker> {
    this.inner ??= (async () => {
      const { loadCircuit } = await import('../../puzzle/circuit.ts');
      const { PuzzleVerifier } = await import('../../puzzle/verifier.ts');
      return new InProcessChecker(await PuzzleVerifier.create(loadCircuit(this.circuit), { precompute: false }));
    })();
    return this.inner;
  }

  async check(statement: Statement, proof: AffineProof, key: string): Promise<void> {
    return (await this.get()).check(statement, proof, key);
  }

  async close(): Promise<void> {
    if (this.inner) await (await this.inner).close();
  }
}
