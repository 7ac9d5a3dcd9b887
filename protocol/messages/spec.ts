/**
 * What the protocol says about a message type, shared by the node and the SDK: its `type` tag,
 * its schema (the canonical encoding, docs/encoding.md) and its weight for fees (docs/fees.md).
 * The node adds how it executes (node/modules/types.ts MsgHandler).
 */
import type { Schema } from '../encoding/schema.ts';

export interface MsgSpec<M extends { type: string }> {
  type: M['type'];
  schema: Schema<M>;
  /** Fee weight added to the transaction's byte size (what `minFeeRate` is charged on). */
  weight(msg: M): bigint;
}

export function msgSpec<M extends { type: string }>(spec: MsgSpec<M>): MsgSpec<M> {
  return spec;
}
