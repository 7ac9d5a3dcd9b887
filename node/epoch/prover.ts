/**
 * The epoch prover (docs/epochs.md §prover): a process of its own, so a 1–2 minute proof never
 * stalls consensus. It compiles the epoch program once (keys cached under the home), then for each
 * epoch whose handoff is complete fetches the record over RPC, proves the step from the previous
 * proof, checks it, and stores it where the node's RPC serves it.
 */
import type { Logger } from 'pino';
import { join } from 'node:path';
import { RpcClient } from '../../client/rpc.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { epochProgram, verifyEpochProof, epochOutput, type EpochProgram, type EpochProofJson, type VerificationKey } from '../../consensus/epoch/program.ts';
import { epochViewFromJson, type EpochView, type EpochViewJson } from '../modules/epoch/view.ts';
import { EpochProofStore } from './proof-store.ts';
import { withHeartbeat } from '../util/heartbeat.ts';
import type { LogFormat } from '../log.ts';
import type { EpochInfo } from '../../protocol/rpc-types.ts';

/** One step: the genesis proof for epoch 0, else the handoff from `prevView` (epoch − 1) to `view`. */
export async function proveEpoch(program: EpochProgram, view: EpochView, prev: { proof: EpochProofJson; view: EpochView } | null): Promise<EpochProofJson> {
  if (view.epoch === 0n) return program.proveGenesis(view.genesisHash, view.commitment);
  if (!prev) throw new QuarryError('E_NOT_FOUND', `epoch ${view.epoch} needs the proof of epoch ${view.epoch - 1n}`);
  if (!view.handoff.complete || !view.boundary) throw new QuarryError('E_UNAVAILABLE', `the handoff into epoch ${view.epoch} is not complete yet`);
  return program.proveHandoff(prev.proof, {
    members: prev.view.members,
    signatures: view.handoff.signatures,
    next: view.commitment,
    boundary: { headerHash: view.boundary.hash, stateRoot: view.boundary.stateRoot },
  });
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
}

export class EpochProverLoop {
  private stopped = false;
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

  async run(): Promise<void> {
    const { log } = this.o;
    const first = await this.view(0n);
    log.info({ maxSize: first.maxSize, keys: this.o.keysDir }, 'compiling the epoch program (minutes the first time; the keys are cached)');
    const started = Date.now();
    const program = await epochProgram(first.maxSize);
    const vk = await this.withHeartbeat('compiling', () => program.compile(join(this.o.keysDir, String(first.maxSize))));
    log.info({ ms: Date.now() - started, vkHash: vk.hash }, 'epoch program ready');
    let next = (this.store.latest() ?? -1n) + 1n;
    let prev = next === 0n ? null : { proof: this.store.get(next - 1n).proof, view: await this.view(next - 1n) };
    while (!this.stopped && (this.o.until === undefined || next <= this.o.until)) {
      const view = await this.view(next).catch(() => null);
      if (!view || (next > 0n && !view.handoff.complete)) {
        await new Promise((r) => setTimeout(r, this.o.pollMs ?? 2000));
        continue;
      }
      const proof = await this.proveAndStore(program, vk, view, prev);
      prev = { proof, view };
      next += 1n;
    }
  }

  /**
   * Epochs the chain has begun beyond `proven` (docs/epochs.md §prover): 0 while the prover keeps
   * up, growing when proving an epoch takes longer than the epoch lasts. Null if the node is away.
   */
  private async lagAfter(proven: bigint): Promise<number | null> {
    const current = await this.rpc.get<EpochInfo>('/epochs/current').catch(() => null);
    return current ? Math.max(0, Number(BigInt(current.epoch) - proven)) : null;
  }

  private async proveAndStore(program: EpochProgram, vk: VerificationKey, view: EpochView, prev: { proof: EpochProofJson; view: EpochView } | null): Promise<EpochProofJson> {
    const { log } = this.o;
    log.info({ epoch: view.epoch.toString(), members: view.members.length }, 'proving epoch');
    const t0 = Date.now();
    const proof = await this.withHeartbeat(`proving epoch ${view.epoch}`, () => proveEpoch(program, view, prev));
    if (!(await verifyEpochProof(proof, vk))) throw new QuarryError('E_INTERNAL', `the proof of epoch ${view.epoch} does not verify`);
    const out = epochOutput(proof);
    if (out.epoch !== view.epoch || out.commitment !== view.commitment || out.genesisId !== view.genesisId) throw new QuarryError('E_INTERNAL', `the proof of epoch ${view.epoch} proves something else`);
    this.store.put({ epoch: view.epoch.toString(), maxSize: view.maxSize, vk, proof });
    log.info({ epoch: view.epoch.toString(), ms: Date.now() - t0, lagEpochs: await this.lagAfter(view.epoch), bytes: JSON.stringify(proof).length, rssMb: Math.round(process.memoryUsage().rss / 1e6) }, 'epoch proven');
    return proof;
  }
}
