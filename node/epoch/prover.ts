/**
 * The epoch prover (docs/epochs.md §prover): a process of its own, so a 1–2 minute proof never
 * stalls consensus. It compiles the epoch program once (keys cached under the home), then fetches
 * the records of the epochs whose handoff is complete over RPC, proves them from the previous proof
 * in one recursive step (all that are ready, up to the program's batch: how it catches up, docs/epochs.md
 * §keeping up), checks the proof, and stores it where the node's RPC serves it.
 */
import type { Logger } from 'pino';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { RpcClient } from '../../client/rpc.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { o1js } from '../crypto/pallas.ts';
import { epochProgram, verifyEpochProof, epochOutput, type EpochProgram, type EpochProofJson, type VerificationKey } from '../../consensus/epoch/program.ts';
import { epochViewFromJson, type EpochView, type EpochViewJson } from '../modules/epoch/view.ts';
import { EpochProofStore } from './proof-store.ts';
import { withHeartbeat } from '../util/heartbeat.ts';
import type { LogFormat } from '../log.ts';
import type { EpochInfo } from '../../protocol/rpc-types.ts';

/**
 * One step: the genesis proof for epoch 0, else the handoffs into `views` (consecutive epochs from
 * prev + 1, at most the program's batch), each signed by the set of the epoch before it.
 */
export async function proveEpochs(program: EpochProgram, views: readonly EpochView[], prev: { proof: EpochProofJson; view: EpochView } | null): Promise<EpochProofJson> {
  const first = views[0];
  if (!first) throw new QuarryError('E_INTERNAL', 'nothing to prove');
  if (first.epoch === 0n) return program.proveGenesis(first.genesisHash, first.commitment);
  if (!prev) throw new QuarryError('E_NOT_FOUND', `epoch ${first.epoch} needs the proof of epoch ${first.epoch - 1n}`);
  let signer = prev.view;
  const witnesses = views.map((view) => {
    if (view.epoch !== signer.epoch + 1n) throw new QuarryError('E_INTERNAL', `epoch ${view.epoch} does not follow epoch ${signer.epoch}`);
    if (!view.handoff.complete || !view.boundary) throw new QuarryError('E_UNAVAILABLE', `the handoff into epoch ${view.epoch} is not complete yet`);
    const w = { members: signer.members, signatures: view.handoff.signatures, next: view.commitment, boundary: { headerHash: view.boundary.hash, stateRoot: view.boundary.stateRoot } };
    signer = view;
    return w;
  });
  return program.proveHandoffs(prev.proof, witnesses);
}

export interface EpochProverOptions {
  rpcUrl: string;
  home: string;
  keysDir: string;
  log: Logger;
  /** The format `log` writes (the heartbeat's lines match it). */
  logFormat?: LogFormat;
  /** Stop after proving this epoch (default: run until stopped). */
  until?: bigint;
  pollMs?: number;
  /**
   * o1js proving threads (default: every core). o1js's own default leaves one core to the main
   * thread, which only waits while a proof runs: on 2 cores that halves the prover's speed (a
   * 2-slot program compiled in 232 vs 136 s, its genesis proof 65.7 vs 37.4 s). The prover is a
   * process of its own at the lowest priority, so taking every core costs the node nothing.
   */
  threads?: number;
}

export class EpochProverLoop {
  private stopped = false;
  private compiling?: Promise<{ program: EpochProgram; vk: VerificationKey }>;
  private readonly rpc: RpcClient;
  readonly store: EpochProofStore;

  constructor(private readonly o: EpochProverOptions) {
    this.rpc = new RpcClient(o.rpcUrl, 30_000);
    this.store = new EpochProofStore(join(o.home, 'epoch-proofs'));
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * o1js reports no progress of its own and blocks the event loop while it works: a worker thread
   * says every 15 s that the long step is still running (node/util/heartbeat.ts).
   */
  private withHeartbeat<T>(what: string, f: () => Promise<T>): Promise<T> {
    return withHeartbeat({ what, format: this.o.logFormat ?? 'json', name: 'epoch-prover' }, f);
  }

  private view(epoch: bigint): Promise<EpochView> {
    return this.rpc.get<EpochViewJson>(`/epochs/${epoch}`).then(epochViewFromJson);
  }

  /** The epoch program for the chain's set size, compiled once per loop (keys cached under `keysDir`). */
  compiled(): Promise<{ program: EpochProgram; vk: VerificationKey }> {
    this.compiling ??= (async () => {
      const { log } = this.o;
      const first = await this.view(0n);
      log.info({ maxSize: first.maxSize, keys: this.o.keysDir }, 'compiling the epoch program (minutes the first time; the keys are cached)');
      const started = Date.now();
      (await o1js()).setNumberOfWorkers(this.o.threads ?? availableParallelism());
      const program = await epochProgram(first.maxSize);
      const vk = await this.withHeartbeat('compiling', () => program.compile(join(this.o.keysDir, String(first.maxSize))));
      log.info({ ms: Date.now() - started, vkHash: vk.hash }, 'epoch program ready');
      return { program, vk };
    })();
    return this.compiling;
  }

  /** Proves every epoch that is ready, in order, until `until` is proven (default: until stopped). */
  async run(until = this.o.until): Promise<void> {
    const { program, vk } = await this.compiled();
    let next = (this.store.latest() ?? -1n) + 1n;
    let prev = next === 0n ? null : { proof: this.store.get(next - 1n).proof, view: await this.view(next - 1n) };
    while (!this.stopped && (until === undefined || next <= until)) {
      const views = await this.ready(next, next === 0n ? 1 : program.batch, until);
      if (views.length === 0) {
        await new Promise((r) => setTimeout(r, this.o.pollMs ?? 2000));
        continue;
      }
      const proof = await this.proveAndStore(program, vk, views, prev);
      prev = { proof, view: views.at(-1)! };
      next += BigInt(views.length);
    }
  }

  /**
   * The epochs from `from` that can be proven now, in a row, at most `max` (and none past
   * `until`): epoch 0 always, a later one once its handoff is complete.
   */
  private async ready(from: bigint, max: number, until: bigint | undefined): Promise<EpochView[]> {
    const views: EpochView[] = [];
    for (let e = from; views.length < max && (until === undefined || e <= until); e++) {
      const view = await this.view(e).catch(() => null);
      if (!view || (e > 0n && !view.handoff.complete)) break;
      views.push(view);
    }
    return views;
  }

  /**
   * Epochs the chain has begun beyond `proven` (docs/epochs.md §prover): 0 while the prover keeps
   * up, growing when proving an epoch takes longer than the epoch lasts. Null if the node is away.
   */
  private async lagAfter(proven: bigint): Promise<number | null> {
    const current = await this.rpc.get<EpochInfo>('/epochs/current').catch(() => null);
    return current ? Math.max(0, Number(BigInt(current.epoch) - proven)) : null;
  }

  private async proveAndStore(program: EpochProgram, vk: VerificationKey, views: readonly EpochView[], prev: { proof: EpochProofJson; view: EpochView } | null): Promise<EpochProofJson> {
    const { log } = this.o;
    const view = views.at(-1)!;
    const from = views[0]!.epoch;
    log.info({ epoch: view.epoch.toString(), ...(views.length > 1 ? { from: from.toString(), handoffs: views.length } : {}), members: view.members.length }, views.length > 1 ? 'proving epochs in one step (catching up)' : 'proving epoch');
    const t0 = Date.now();
    const proof = await this.withHeartbeat(`proving epoch ${views.length > 1 ? `${from}…` : ''}${view.epoch}`, () => proveEpochs(program, views, prev));
    if (!(await verifyEpochProof(proof, vk))) throw new QuarryError('E_INTERNAL', `the proof of epoch ${view.epoch} does not verify`);
    const out = epochOutput(proof);
    if (out.epoch !== view.epoch || out.commitment !== view.commitment || out.genesisId !== view.genesisId) throw new QuarryError('E_INTERNAL', `the proof of epoch ${view.epoch} proves something else`);
    this.store.put({ epoch: view.epoch.toString(), maxSize: view.maxSize, vk, proof });
    log.info({ epoch: view.epoch.toString(), handoffs: views.length, ms: Date.now() - t0, lagEpochs: await this.lagAfter(view.epoch), bytes: JSON.stringify(proof).length, rssMb: Math.round(process.memoryUsage().rss / 1e6) }, 'epoch proven');
    return proof;
  }
}
