/**
 * The signing SDK client, modelled on @cosmjs/stargate's SigningStargateClient:
 * `await SigningQuarryClient.connectWithSigner(url, wallet)`. It tracks the account's sequence
 * locally (so several transactions can be in flight), picks the smallest fee the node accepts
 * unless given one, retries once the sequence is re-read when the node says E_SEQUENCE, waits
 * for the block, and throws `TxFailedError` (with the receipt's code) when execution fails.
 */
import { decodeAddress } from '../node/crypto/address.ts';
import { fromHex, toHex } from '../node/encoding/bytes.ts';
import type { Msg } from '../node/modules/types.ts';
import { requestId as deriveRequestId } from '../node/modules/market/request-proof.ts';
import { RpcClient } from './rpc.ts';
import { QuarryClientError, RpcError, TxFailedError } from './errors.ts';
import { buildTx, waitForTx, type Signer, type TxResult } from './tx-builder.ts';
import { requestProofMsg, type ProofRequestSpec } from './market.ts';
import { QuarryClient } from './quarry-client.ts';
import type { MempoolInfo } from './types.ts';

export interface BroadcastOptions {
  /** Fee in uqry (default: the minimum the node accepts). */
  fee?: bigint;
  /** Refuse inclusion after this many blocks. */
  expiresIn?: bigint;
  /** How long to wait for the block. */
  timeoutMs?: number;
}

const SEQUENCE_RETRIES = 3;

function parseAddress(text: string): Uint8Array {
  try {
    return decodeAddress(text);
  } catch (err) {
    throw new QuarryClientError('E_DECODE', (err as Error).message);
  }
}

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
  async signAndBroadcast(msgs: Msg[], opts: BroadcastOptions = {}): Promise<TxResult> {
    const hash = await this.signAndBroadcastSync(msgs, opts);
    const res = await waitForTx(this.rpc, hash, opts.timeoutMs ?? 60_000);
    if (res.result.code !== 'OK') throw new TxFailedError(res.result.code, `transaction ${hash.slice(0, 16)}… failed: ${res.result.log}`, hash, res.height);
    return res;
  }

  /** Signs and submits without waiting for the block; returns the transaction hash. */
  signAndBroadcastSync(msgs: Msg[], opts: BroadcastOptions = {}): Promise<string> {
    const submitted = this.queue.then(() => this.submit(msgs, opts));
    this.queue = submitted.catch(() => undefined);
    return submitted;
  }

  private async submit(msgs: Msg[], opts: BroadcastOptions): Promise<string> {
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

  /** The next free sequence: after the committed one and this account's transactions waiting in the mempool. */
  private async readSequence(): Promise<bigint> {
    const [account, mempool] = await Promise.all([this.getAccount(this.address), this.rpc.get<MempoolInfo>('/mempool')]);
    let next = BigInt(account.sequence);
    for (const e of mempool.entries) if (e.sender === this.address && BigInt(e.sequence) >= next) next = BigInt(e.sequence) + 1n;
    return next;
  }

  async send(to: string, amount: bigint, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'bank/send', to: parseAddress(to), amount } as Msg], opts);
  }

  async delegate(validator: string, amount: bigint, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'staking/delegate', validator: parseAddress(validator), amount } as Msg], opts);
  }

  async undelegate(validator: string, amount: bigint, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'staking/undelegate', validator: parseAddress(validator), amount } as Msg], opts);
  }

  async redelegate(from: string, to: string, amount: bigint, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'staking/redelegate', from: parseAddress(from), to: parseAddress(to), amount } as Msg], opts);
  }

  async claimRewards(validator: string, opts?: BroadcastOptions): Promise<TxResult> {
    return this.signAndBroadcast([{ type: 'staking/claim', validator: parseAddress(validator) } as Msg], opts);
  }

  /** Posts a proof request (escrowing its escalation cap); returns its id. */
  async requestProof(spec: ProofRequestSpec, opts?: BroadcastOptions): Promise<{ requestId: string; tx: TxResult }> {
    const tx = await this.signAndBroadcast([requestProofMsg(spec)], opts);
    return { requestId: toHex(deriveRequestId(fromHex(tx.hash), 0)), tx };
  }
}
