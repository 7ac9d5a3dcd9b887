/**
 * The signing SDK client, modelled on @cosmjs/stargate's SigningStargateClient:
 * `await SigningQuarryClient.connectWithSigner(url, wallet)`. It tracks the account's sequence
 * locally (so several transactions can be in flight), picks the smallest fee the node accepts
 * unless given one, retries once the sequence is re-read when the node says E_SEQUENCE, waits
 * for the block, and throws `TxFailedError` (with the receipt's code) when execution fails.
 * Messages are written with addresses as `qry1…` text and other bytes as hex (`MsgInput`).
 */
import { fromHex, toHex } from '../protocol/encoding/bytes.ts';
import type { AnyMsg } from '../protocol/messages/index.ts';
import type { MsgInput } from '../protocol/messages/input.ts';
import { requestId as deriveRequestId } from '../protocol/messages/market.ts';
import { signedSize, txWeight } from '../protocol/tx.ts';
import { RpcClient } from './rpc.ts';
import { RpcError, TxFailedError } from './errors.ts';
import { buildTx, nextFreeSequence, prepareTx, waitForTx, type Signer, type TxResult } from './tx-builder.ts';
import { requestProofMsg, type ProofRequestSpec } from './market.ts';
import { QuarryClient } from './quarry-client.ts';
import { prepareSealed, Sealer, type SealedInputs, type SealerOptions } from './sealer.ts';

export interface BroadcastOptions {
  /** Fee in uqry (default: the minimum the node accepts). */
  fee?: bigint;
  /** Refuse inclusion after this many blocks. */
  expiresIn?: bigint;
  /** How long to wait for the block. */
  timeoutMs?: number;
}

/** What a transaction would cost, computed before signing (`simulate`). */
export interface FeePreview {
  fee: bigint;
  /** Bytes + message weights: what the node's `minFeeRate` is charged on (docs/fees.md). */
  weight: bigint;
  sequence: bigint;
}

const SEQUENCE_RETRIES = 3;

export class SigningQuarryClient extends QuarryClient {
  private nextSequence: bigint | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(rpc: RpcClient, readonly signer: Signer) {
    super(rpc);
  }

  static async connectWithSigner(url: string, signer: Signer, opts: { timeoutMs?: number } = {}): Promise<SigningQuarryClient> {
    const client = new SigningQuarryClient(new RpcClient(url, opts.timeoutMs), signer);
    await client.getStatus();
    return client;
  }

  get address(): string {
    return this.signer.address;
  }

  /**
   * Signs and submits `msgs` as one transaction. Submissions from one client are serialized so
   * sequences are handed out in order; waiting for blocks happens concurrently.
   */
  async signAndBroadcast(msgs: Array<MsgInput | AnyMsg>, opts: BroadcastOptions = {}): Promise<TxResult> {
    const hash = await this.signAndBroadcastSync(msgs, opts);
    const res = await waitForTx(this.rpc, hash, opts.timeoutMs ?? 60_000);
    if (res.result.code !== 'OK') throw new TxFailedError(res.result.code, `transaction ${hash.slice(0, 16)}… failed: ${res.result.log}`, hash, res.height);
    return res;
  }

  /** Signs and submits without waiting for the block; returns the transaction hash. */
  signAndBroadcastSync(msgs: Array<MsgInput | AnyMsg>, opts: BroadcastOptions = {}): Promise<string> {
    const submitted = this.queue.then(() => this.submit(msgs, opts));
    this.queue = submitted.catch(() => undefined);
    return submitted;
  }

  /**
   * The fee the node would ask for these messages from this account (its minimum unless `fee` is
   * given), the weight it is charged on and the sequence it would use. Nothing is signed or sent;
   * whether execution succeeds is known only once the block runs it.
   */
  async simulate(msgs: Array<MsgInput | AnyMsg>, opts: Omit<BroadcastOptions, 'timeoutMs'> = {}): Promise<FeePreview> {
    const sequence = this.nextSequence ?? (await this.readSequence());
    const body = await prepareTx(this.rpc, this.signer, msgs, { ...opts, sequence });
    return { fee: body.fee, weight: txWeight(signedSize(body), body.msgs), sequence };
  }

  private async submit(msgs: Array<MsgInput | AnyMsg>, opts: BroadcastOptions): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const sequence = this.nextSequence ?? (await this.readSequence());
      const { bytes } = await buildTx(this.rpc, this.signer, msgs, { fee: opts.fee, expiresIn: opts.expiresIn, sequence });
      try {
        const { hash } = await this.rpc.post<{ hash: string }>('/txs', { tx: toHex(bytes) });
        this.nextSequence = sequence + 1n;
        return hash;
      } catch (err) {
        this.nextSequence = null;
        if (!(err instanceof RpcError && err.code === 'E_SEQUENCE') || attempt >= SEQUENCE_RETRIES) throw err;
      }
    }
  }

  private readSequence(): Promise<bigint> {
    return nextFreeSequence(this.rpc, this.address);
  }

  send(to: string, amount: bigint, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'bank/send', to, amount }], opts);
  }

  delegate(validator: string, amount: bigint, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'staking/delegate', validator, amount }], opts);
  }

  undelegate(validator: string, amount: bigint, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'staking/undelegate', validator, amount }], opts);
  }

  redelegate(from: string, to: string, amount: bigint, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'staking/redelegate', from, to, amount }], opts);
  }

  claimRewards(validator: string, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'staking/claim', validator }], opts);
  }

  /** Puts QRY behind a prover (docs/market.md §delegation): it backs its locks, earns a share of its pay after commission, takes a share of its slashes. */
  delegateProver(prover: string, amount: bigint, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'market/delegate-prover', prover, amount }], opts);
  }

  /** Takes delegated QRY back after the bond unbonding delay (only what backs none of the prover's open locks). */
  undelegateProver(prover: string, amount: bigint, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'market/undelegate-prover', prover, amount }], opts);
  }

  claimProverRewards(prover: string, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'market/claim-prover-rewards', prover }], opts);
  }

  /**
   * Posts a proof request (escrowing its escalation cap); returns its id. With `privateInputs` the
   * request is sealed, and `sealer` keeps sealing them to whichever prover locks it until the
   * request ends (its `sealed` holds the salt: keep it to seal by hand after a restart).
   */
  async requestProof(spec: ProofRequestSpec, opts?: BroadcastOptions & SealerOptions): Promise<{ requestId: string; tx: TxResult; sealer: Sealer | null }> {
    const secret = spec.privateInputs ? prepareSealed(spec.privateInputs) : null;
    const tx = await this.signAndBroadcast([requestProofMsg({ ...spec, sealed: secret?.commitment ?? spec.sealed })], opts);
    const requestId = toHex(deriveRequestId(fromHex(tx.hash), 0));
    return { requestId, tx, sealer: secret ? this.keepSealed(requestId, secret, opts) : null };
  }

  /** Seals a request's private inputs to each prover that locks it, until it ends or `disconnect()` (client/sealer.ts). */
  keepSealed(requestId: string, secret: SealedInputs, opts: SealerOptions = {}): Sealer {
    const sealer: Sealer = new Sealer(this, requestId, secret, opts, () => this.subscriptions.delete(sealer));
    this.subscriptions.add(sealer);
    return sealer;
  }
}
