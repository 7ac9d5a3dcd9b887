/**
 * The contract every message type implements (one file per message type, e.g.
 * node/modules/bank/send.ts): the protocol's spec (type, schema, fee weight:
 * protocol/messages/*), how much it may spend from the signer (for the mempool's funds check),
 * and `apply`, which validates against state and then writes. `apply` throws a QuarryError to
 * reject; the executor then drops the message's writes.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import type { MsgSpec } from '../../protocol/messages/spec.ts';
import { QuarryError, type ErrorCode } from '../../protocol/errors.ts';
import type { Overlay } from '../state/view.ts';

export interface ChainEvent {
  type: string;
  [field: string]: unknown;
}

export interface MsgContext {
  state: Overlay;
  /** Address of the transaction's signer. */
  signer: Uint8Array;
  chainId: string;
  height: bigint;
  time: bigint;
  /** Hash of the transaction and the message's index in it (unique ids for created objects). */
  txHash: Uint8Array;
  msgIndex: number;
  /** Groth16 verification for proof-market fills (the node's, with its verdict cache). */
  proofs: ProofVerifier;
  emit(event: ChainEvent): void;
}

export interface ProofVerifier {
  /** One verdict per item; items of one call share a circuit and may be checked as one batch. */
  verify(circuitId: Uint8Array, vk: Uint8Array, items: Array<{ proof: Uint8Array; publicSignals: bigint[] }>): Promise<boolean[]>;
}

export interface MsgHandler<M extends AnyMsg = AnyMsg> extends MsgSpec<M> {
  spend(msg: M): bigint;
  apply(ctx: MsgContext, msg: M): Promise<void>;
  /** Runs once per transaction before its messages (batching expensive checks across them). */
  prepare?(ctx: MsgContext, msgs: M[]): Promise<void>;
}

/**
 * A rejection with a consequence that survives it: the message's writes are dropped as for any
 * rejection, then `penalty` runs on the transaction's state (after the fee) and its events go in
 * the receipt. Used where the protocol punishes a false claim (docs/market.md §verification: a
 * lock holder's false proof is slashed).
 */
export class PenalizedRejection extends QuarryError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly penalty: (ctx: MsgContext) => Promise<void>,
  ) {
    super(code, message);
  }
}

/** Helper so each file declares a handler with its message type inferred. */
export function defineMsg<M extends AnyMsg>(handler: MsgHandler<M>): MsgHandler<M> {
  return handler;
}
