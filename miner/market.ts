/**
 * The miner's proof-market side (`quarry node mine --ask …`, docs/market.md §provers): it bonds
 * collateral and posts its asks, fetches circuit artifacts from the node (checked against their
 * hashes), and serves requests with the general Groth16 prover.
 *
 * What it does is decided by the pure policy in market-policy.ts: requests locked to this prover
 * first (proved with puzzle mining paused), else an auction request (lock) or a timed-out one
 * (commit, then reveal) or a race in its commit window when its price per second of proving beats
 * the reward per second mining has actually earned so far; before mining has earned anything,
 * market work wins. Transactions go out one at a time and wait for their block, so sequences
 * never collide.
 *
 * Sealed requests (docs/market.md §sealed): the prover publishes the X25519 key derived from its
 * account key (`proverEncryptionKey`), waits for a sealed lock's seal, opens it and checks it
 * against the request's commitment; a seal that does not open is declined like inputs with no
 * witness. In a race each proof carries this prover's address as its `prover` input.
 */
import type { AnyMsg } from '../protocol/messages/index.ts';
import { randomBytes } from 'node:crypto';
import { RpcClient, RpcError } from '../client/rpc.ts';
import { QuarryClient, type Subscription } from '../client/quarry-client.ts';
import type { Signer, TxResult } from '../client/tx-builder.ts';
import { SerialSender } from './serial-sender.ts';
import { checkArtifact } from '../node/market/artifacts.ts';
import { fromHex } from '../protocol/encoding/bytes.ts';
import { QuarryError } from '../protocol/errors.ts';
import { decodeAddress } from '../protocol/crypto/address.ts';
import { fillCommitment } from '../node/modules/market/commit-fill.ts';
import { proverField } from '../node/modules/market/inputs.ts';
import { PROVER_INPUT } from '../node/modules/market/state.ts';
import { encryptionPublicKey, openSeal } from '../protocol/seal.ts';
import { toHex } from '../protocol/encoding/bytes.ts';
import type { CircuitInputs } from '../protocol/messages/market.ts';
import type { MarketProver as ProverView, SealView } from '../protocol/rpc-types.ts';

import { Groth16Prover } from '../puzzle/groth16-prover.ts';
import { commitEnd, planMarket, type MarketAction, type PolicyRequest } from './market-policy.ts';

export interface AskConfig {
  circuit: string;
  price: bigint;
  turnaround: bigint;
  capacity: bigint;
}

export interface MarketProverOptions {
  rpcUrl: string;
  key: Signer;
  asks: AskConfig[];
  /** Bond to hold (topped up at start). */
  bond: bigint;
  /** The X25519 secret sealed inputs are opened with; its public key is published at start (none: sealed requests are not served). */
  sealKey?: Uint8Array;
  pollMs?: number;
  /** Reward per second puzzle mining has earned (uqry/s), for the market-or-mine choice. */
  miningRate: () => number;
  /** Pauses (false) or resumes (true) puzzle mining. */
  setMining: (on: boolean) => void;
  onEvent?: (message: string) => void;
}

export interface MarketStats {
  busy: string | null;
  locked: number;
  fulfilled: number;
  failed: number;
  /** Requests whose inputs have no witness (declined when locked, skipped when open). */
  unprovable: number;
  earned: bigint;
}

type RequestJson = PolicyRequest;

const DEFAULT_PROOF_SECONDS = 1;

export class MarketProver {
  readonly stats: MarketStats = { busy: null, locked: 0, fulfilled: 0, failed: 0, unprovable: 0, earned: 0n };
  private readonly rpc: RpcClient;
  private readonly sender: SerialSender;
  private readonly provers = new Map<string, Promise<Groth16Prover>>();
  private readonly proofSeconds = new Map<string, number>();
  private readonly done = new Set<string>();
  private readonly checked = new Set<string>();
  private readonly unprovable = new Set<string>();
  private readonly commits = new Map<string, { proof: Uint8Array; publicSignals: string[]; salt: Uint8Array; height: bigint; revealAt: bigint }>();
  /** Opened sealed inputs per request id, merged with the public ones. */
  private readonly opened = new Map<string, CircuitInputs>();
  private readonly askPrice: Map<string, bigint>;
  private timer: NodeJS.Timeout | null = null;
  private events: Subscription | null = null;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(private readonly o: MarketProverOptions) {
    this.rpc = new RpcClient(o.rpcUrl, 120_000);
    this.sender = new SerialSender(this.rpc, o.key);
    this.askPrice = new Map(o.asks.map((a) => [a.circuit, a.price]));
  }

  /** Tops up the bond, publishes the encryption key and posts the asks in one transaction, then starts serving. */
  async start(): Promise<void> {
    const me = await this.rpc.get<ProverView>(`/market/provers/${this.o.key.address}`);
    const msgs: AnyMsg[] = [];
    if (BigInt(me.bond) < this.o.bond) msgs.push({ type: 'market/bond', amount: this.o.bond - BigInt(me.bond) });
    const sealKey = this.o.sealKey && encryptionPublicKey(this.o.sealKey);
    if (sealKey && me.encryptionKey !== toHex(sealKey)) msgs.push({ type: 'market/prover-key', encryptionKey: sealKey });
    for (const a of this.o.asks) msgs.push({ type: 'market/ask', circuitId: fromHex(a.circuit), price: a.price, maxTurnaround: a.turnaround, capacity: a.capacity });
    if (msgs.length) await this.send(msgs, 'bond and asks');
    for (const a of this.o.asks) void this.prover(a.circuit).catch(() => undefined); // warm up
    this.subscribe();
    this.schedule(0);
  }

  private schedule(ms = this.o.pollMs ?? 1000): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  /** Market events (a lock, a new request, a slash) start a round at once instead of at the next poll. */
  private subscribe(): void {
    this.events = QuarryClient.lazy(this.o.rpcUrl).subscribe(['market'], (e) => {
      if (e.type === 'market' && e.event === 'market-fill' && e.race !== undefined && e.prover === this.o.key.address) this.stats.earned += BigInt(e.price ?? '0');
      if (this.running) this.again = true;
      else this.schedule(0);
    });
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.serve();
    } catch (err) {
      this.o.onEvent?.(`market: ${err instanceof RpcError ? `${err.code}: ` : ''}${(err as Error).message}`);
    }
    this.stats.busy = null;
    this.o.setMining(true);
    this.running = false;
    this.schedule(this.again ? 0 : undefined);
    this.again = false;
  }

  private async serve(): Promise<void> {
    const height = BigInt((await this.rpc.get<{ height: string }>('/status')).height);
    const [locked, openFill, open, race] = await Promise.all(['status=locked&prover=' + this.o.key.address, 'status=open-fill', 'status=open', 'status=race'].map((q) => this.list(q)));
    this.stats.locked = locked!.length;
    const plan = planMarket(
      { height, locked: locked!, openFill: openFill!, open: this.o.sealKey ? open! : open!.filter((r) => !r.sealed), race },
      { askPrice: this.askPrice, done: this.done, checked: this.checked, unprovable: this.unprovable, committed: this.commits, proofSeconds: (c) => this.proofSeconds.get(c) ?? DEFAULT_PROOF_SECONDS, miningRate: this.o.miningRate(), address: this.o.key.address },
    );
    for (const action of plan) await this.perform(action);
  }

  private async perform(a: MarketAction): Promise<void> {
    if (a.do === 'reveal') return this.reveal(a.id);
    if (a.do === 'check-locked') return this.check(a.request);
    if (a.do === 'prove-locked') return this.fulfil(a.request);
    if (a.do === 'commit') return this.commit(a.request, false);
    if (a.do === 'race') return this.commit(a.request, true);
    await this.send([{ type: 'market/lock', requestId: fromHex(a.request.id) }], `lock ${a.request.id.slice(0, 12)} at ${a.price} uqry`);
  }

  private async list(query: string): Promise<RequestJson[]> {
    return (await this.rpc.get<{ requests: RequestJson[] }>(`/market/requests?${query}`)).requests;
  }

  /**
   * Proves a request locked to us; if its inputs have no witness, declines it (within the accept
   * window that costs nothing: docs/market.md §declines) instead of retrying forever.
   */
  private async fulfil(r: RequestJson): Promise<void> {
    const proved = await this.tryProve(r);
    if (!proved) {
      this.done.add(r.id);
      await this.send([{ type: 'market/decline', requestId: fromHex(r.id) }], `decline ${r.id.slice(0, 12)} (no witness for its inputs)`);
      return;
    }
    const { proof, publicSignals } = proved;
    const res = await this.send([{ type: 'market/fulfill', requestId: fromHex(r.id), proof, publicSignals }], `fulfil ${r.id.slice(0, 12)}`);
    this.done.add(r.id);
    this.opened.delete(r.id);
    if (res?.result.code === 'OK') {
      this.stats.fulfilled++;
      this.stats.earned += BigInt(r.lock!.price);
    } else this.stats.failed++;
  }

  /**
   * Checks a new obligation's witness at once (opening its seal first), declining it within the
   * accept window if there is none or the seal does not open.
   */
  private async check(r: RequestJson): Promise<void> {
    try {
      await (await this.prover(r.circuitId)).checkWitness(await this.inputsOf(r));
      this.checked.add(r.id);
    } catch (err) {
      if (!(err instanceof QuarryError && (err.code === 'E_NO_WITNESS' || err.code === 'E_SEAL'))) throw err;
      this.noWitness(r, err);
      this.done.add(r.id);
      const why = err.code === 'E_SEAL' ? 'its seal does not open' : 'no witness for its inputs';
      await this.send([{ type: 'market/decline', requestId: fromHex(r.id) }], `decline ${r.id.slice(0, 12)} (${why})`);
    }
  }

  /**
   * Open fill or race, first half: commit to the proof now, reveal it later (an open fill in the
   * next block, a race once its commit window has closed).
   */
  private async commit(r: RequestJson, race: boolean): Promise<void> {
    const proved = await this.tryProve(r);
    if (!proved) return;
    const { proof, publicSignals } = proved;
    const salt = randomBytes(32);
    const commitment = fillCommitment(fromHex(r.id), proof, decodeAddress(this.o.key.address), salt);
    const res = await this.send([{ type: 'market/commit-fill', requestId: fromHex(r.id), commitment }], `${race ? 'join race' : 'commit fill'} ${r.id.slice(0, 12)}`);
    if (res?.result.code !== 'OK') return;
    const height = BigInt(res.height);
    this.commits.set(r.id, { proof, publicSignals, salt, height, revealAt: race ? commitEnd(r) + 1n : height + 1n });
  }

  /** Open fill or race, second half: reveal a proof committed in an earlier block (a race's share is counted when it settles, from its `market-fill` event). */
  private async reveal(id: string): Promise<void> {
    const c = this.commits.get(id);
    if (!c) return;
    this.commits.delete(id);
    const res = await this.send([{ type: 'market/reveal-fill', requestId: fromHex(id), proof: c.proof, publicSignals: c.publicSignals, salt: c.salt }], `reveal fill ${id.slice(0, 12)}`);
    if (res?.result.code === 'OK') {
      this.stats.fulfilled++;
      const r = await this.rpc.get<{ paid: string; mode: string }>(`/market/requests/${id}`);
      if (r.mode !== 'race') this.stats.earned += BigInt(r.paid);
    } else this.stats.failed++;
  }

  /** The proof, or null (counted and logged once) when the inputs violate the circuit. */
  private async tryProve(r: RequestJson): Promise<{ proof: Uint8Array; publicSignals: string[] } | null> {
    if (this.unprovable.has(r.id)) return null;
    try {
      return await this.prove(r);
    } catch (err) {
      if (!(err instanceof QuarryError && err.code === 'E_NO_WITNESS')) throw err;
      this.noWitness(r, err);
      return null;
    }
  }

  /** Counted and logged once per request. */
  private noWitness(r: RequestJson, err: QuarryError): void {
    this.unprovable.add(r.id);
    this.stats.unprovable++;
    this.o.onEvent?.(`market: request ${r.id.slice(0, 12)} has no witness: ${err.message}`);
  }

  private async prove(r: RequestJson): Promise<{ proof: Uint8Array; publicSignals: string[] }> {
    this.o.setMining(false);
    this.stats.busy = r.id.slice(0, 12);
    const prover = await this.prover(r.circuitId);
    const t0 = performance.now();
    const out = await prover.prove(await this.inputsOf(r));
    this.proofSeconds.set(r.circuitId, (performance.now() - t0) / 1000);
    return { proof: out.proof, publicSignals: out.publicSignals.map(String) };
  }

  /**
   * A request's inputs: the public ones, the sealed ones opened with this prover's key (E_SEAL when
   * they do not open or are not the committed ones), and in a race this prover's address.
   */
  private async inputsOf(r: RequestJson): Promise<Record<string, bigint[]>> {
    const inputs = inputMap(r.inputs);
    if (r.status === 'race') inputs[PROVER_INPUT] = [proverField(decodeAddress(this.o.key.address))];
    if (!r.sealed) return inputs;
    let opened = this.opened.get(r.id);
    if (!opened) {
      if (!this.o.sealKey) throw new QuarryError('E_SEAL', 'this prover has no encryption key to open sealed inputs');
      const s = await this.rpc.get<SealView>(`/market/requests/${r.id}/seal`);
      opened = openSeal(this.o.sealKey, fromHex(r.id), { ephemeralKey: fromHex(s.ephemeralKey), nonce: fromHex(s.nonce), ciphertext: fromHex(s.ciphertext) }, fromHex(r.sealed));
      this.opened.set(r.id, opened);
    }
    return { ...inputs, ...inputMap(opened) };
  }

  /** The circuit's prover, built once from artifacts fetched from the node. */
  private prover(circuitId: string): Promise<Groth16Prover> {
    let p = this.provers.get(circuitId);
    if (!p) {
      p = (async () => {
        const c = await this.rpc.get<{ name: string; wasmHash: string; zkeyHash: string }>(`/market/circuits/${circuitId}`);
        const fetchArtifact = async (hash: string) => checkArtifact(await this.rpc.getBytes(`/artifacts/${hash}`), hash);
        const prover = await Groth16Prover.create(await fetchArtifact(c.zkeyHash), await fetchArtifact(c.wasmHash));
        this.o.onEvent?.(`market: ready to prove ${c.name} (${circuitId.slice(0, 12)})`);
        return prover;
      })();
      p.catch(() => this.provers.delete(circuitId));
      this.provers.set(circuitId, p);
    }
    return p;
  }

  private async send(msgs: AnyMsg[], what: string): Promise<TxResult | null> {
    const res = await this.sender.send(msgs);
    this.o.onEvent?.(`market: ${what}: ${res.result.code}${res.result.code === 'OK' ? '' : ` (${res.result.log})`}`);
    return res;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.events?.close();
    for (const p of this.provers.values()) await (await p.catch(() => null))?.close();
  }
}

/** Inputs as the prover takes them (signal name → values). */
function inputMap(inputs: Array<{ name: string; values: Array<string | bigint> }>): Record<string, bigint[]> {
  return Object.fromEntries(inputs.map((i) => [i.name, i.values.map(BigInt)]));
}

/** Parses `--ask circuit:price:turnaround:capacity` (price in uqry or with a unit). */
export function parseAsk(spec: string, parsePrice: (s: string) => bigint): AskConfig {
  const [circuit, price, turnaround = '20', capacity = '4'] = spec.split(':');
  if (!circuit || !price || !/^\d+$/.test(turnaround) || !/^\d+$/.test(capacity)) throw new QuarryError('E_CONFIG', `--ask "${spec}" must be circuit:price[:turnaround:capacity]`);
  return { circuit, price: parsePrice(price), turnaround: BigInt(turnaround), capacity: BigInt(capacity) };
}
