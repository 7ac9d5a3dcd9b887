/**
 * Keeps a sealed proof request sealed (docs/market.md §sealed): whenever the request is locked
 * awaiting its seal, the private inputs are encrypted to the locked prover's published X25519 key
 * and posted as `market/seal`, within the accept window, so the requester never pays the
 * cancellation share for a seal it forgot. A lock that ends and a new one (a rotation after a miss,
 * a re-draw) is sealed again to its prover. It reacts to market events and re-reads the request
 * every `pollMs` in case an event was missed, and stops when the request ends or on `close()`.
 */
import { randomBytes } from '@noble/ciphers/utils.js';
import { fromHex } from '../protocol/encoding/bytes.ts';
import type { CircuitInputs } from '../protocol/messages/market.ts';
import type { ChainEventJson, EventType, MarketProver, MarketRequest } from '../protocol/rpc-types.ts';
import { sealedCommitment, sealInputs } from '../protocol/seal.ts';
import { QuarryClientError } from './errors.ts';
import { canonicalInputs, type InputValue } from './market.ts';
import type { Subscription } from './quarry-client.ts';
import type { TxResult } from './tx-builder.ts';

/** Private inputs as the requester keeps them until sealing: canonical form, salt, and the request's commitment. */
export interface SealedInputs {
  inputs: CircuitInputs;
  salt: Uint8Array;
  commitment: Uint8Array;
}

/** Canonical private inputs with a fresh salt and the commitment a sealed request carries. */
export function prepareSealed(privateInputs: Record<string, InputValue>): SealedInputs {
  const inputs = canonicalInputs(privateInputs);
  const salt = randomBytes(32);
  return { inputs, salt, commitment: sealedCommitment(inputs, salt) };
}

/** What the sealer needs from a signing client. */
export interface SealerHost {
  getMarketRequest(id: string): Promise<MarketRequest>;
  getProver(address: string): Promise<MarketProver>;
  subscribe(types: EventType[], onEvent: (e: ChainEventJson) => void): Subscription;
  signAndBroadcast(msgs: Array<{ type: 'market/seal'; requestId: Uint8Array; ephemeralKey: Uint8Array; nonce: Uint8Array; ciphertext: Uint8Array }>): Promise<TxResult>;
}

export interface SealerOptions {
  pollMs?: number;
  /** Called after each seal is committed, with the prover it was sealed to. */
  onSeal?: (prover: string) => void;
  /** Called when a round fails (it is retried at the next event or poll). */
  onError?: (err: unknown) => void;
}

const FINAL = new Set(['fulfilled', 'expired', 'cancelled']);

export class Sealer implements Subscription {
  /** Resolves when the request has ended or the sealer was closed. */
  readonly done: Promise<void>;
  private finish!: () => void;
  private readonly events: Subscription;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The lock (prover and height) last sealed, so one lock is sealed once. */
  private sealedLock: string | null = null;
  private busy = false;
  private again = false;
  private closed = false;

  constructor(
    private readonly host: SealerHost,
    readonly requestId: string,
    readonly sealed: SealedInputs,
    private readonly o: SealerOptions = {},
    private readonly onClose: () => void = () => undefined,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.events = host.subscribe(['market'], (e) => {
      if (e.type === 'market' && e.request === requestId) void this.round();
    });
    void this.round();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.events.close();
    this.onClose();
    this.finish();
  }

  private async round(): Promise<void> {
    if (this.closed) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    if (this.timer) clearTimeout(this.timer);
    try {
      const r = await this.host.getMarketRequest(this.requestId);
      if (FINAL.has(r.status)) return this.close();
      if (r.status === 'locked' && r.lock && BigInt(r.lock.awaitingSeal) > 0n) await this.seal(r.lock);
    } catch (err) {
      this.o.onError?.(err);
    } finally {
      this.busy = false;
      if (!this.closed) {
        if (this.again) {
          this.again = false;
          void this.round();
        } else this.timer = setTimeout(() => void this.round(), this.o.pollMs ?? 1000);
      }
    }
  }

  private async seal(lock: NonNullable<MarketRequest['lock']>): Promise<void> {
    const which = `${lock.prover}@${lock.lockedAt}`;
    if (which === this.sealedLock) return;
    const key = (await this.host.getProver(lock.prover)).encryptionKey;
    if (!key) throw new QuarryClientError('E_SEAL', `prover ${lock.prover} has published no encryption key`);
    const seal = sealInputs(fromHex(key), fromHex(this.requestId), this.sealed.inputs, this.sealed.salt);
    this.sealedLock = which;
    try {
      await this.host.signAndBroadcast([{ type: 'market/seal', requestId: fromHex(this.requestId), ...seal }]);
    } catch (err) {
      this.sealedLock = null;
      throw err;
    }
    this.o.onSeal?.(lock.prover);
  }
}
