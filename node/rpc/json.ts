/**
 * JSON views of chain objects for the RPC and CLI. Conventions (docs/rpc.md): integers are decimal
 * strings, byte strings are lowercase hex, and 20-byte values (addresses) are bech32m `qry1…`.
 */
import { encodeAddress } from '../../protocol/crypto/address.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import type { Block, Header } from '../types/block.ts';
import type { Tx } from '../tx/tx.ts';
import type { Receipt } from '../exec/execute.ts';
import type { ChainEvent } from '../modules/types.ts';
import type { CommitCertificate } from '../../consensus/messages.ts';
import type { ProofRequest } from '../modules/market/state.ts';
import { auctionPrice } from '../modules/market/pricing.ts';
import type { BlockJson, CommitJson, JsonOf, ReceiptJson, TxJson, TxResponse } from '../../protocol/rpc-types.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** The JSON form of a value, typed as the shared RPC types expect (protocol/rpc-types.ts JsonOf). */
export function toJson<T>(value: T): JsonOf<T> {
  return jsonValue(value) as JsonOf<T>;
}

function jsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return value.length === 20 ? encodeAddress(value) : toHex(value);
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

export function headerJson(header: Header, hash: Uint8Array): JsonValue {
  return { hash: toHex(hash), ...(toJson(header) as object) };
}

export function txJson(tx: Tx): TxJson {
  return { hash: toHex(tx.hash), sender: encodeAddress(tx.sender), size: tx.bytes.length, ...toJson(tx.tx) };
}

export function receiptJson(r: Receipt): ReceiptJson {
  return { code: r.code, log: r.log, events: toJson(r.events) };
}

/** A committed transaction where it landed, with its receipt (`GET /txs/:hash`, `GET /txs?…`). */
export function txResponse(tx: Tx, height: bigint, index: number, receipt: Receipt): TxResponse {
  return { ...txJson(tx), height: height.toString(), index, result: receiptJson(receipt), status: 'committed' };
}

/** A commit certificate; its signer bitmap always as hex (20 bytes of it, 153–160 validators, is no address). */
export function commitJson(c: CommitCertificate | null): CommitJson | null {
  return c ? { ...toJson(c), signers: toHex(c.signers) } : null;
}

/** A block with its transactions' results and the block's own events (end-block work). */
export function blockJson(block: Block, hash: Uint8Array, txs: Tx[], receipts: Receipt[], events: ChainEvent[]): BlockJson {
  return {
    hash: toHex(hash),
    header: { hash: toHex(hash), ...toJson(block.header) },
    txs: txs.map((t, i) => ({ ...txJson(t), result: receipts[i] ? receiptJson(receipts[i]) : null })),
    events: toJson(events),
    lastCommit: commitJson(block.lastCommit),
  };
}

/** A proof request as the RPC and the light API answer it; `currentPrice` is the auction price at `nextHeight`. */
export function marketRequestJson(id: Uint8Array, r: ProofRequest, nextHeight: bigint) {
  return {
    id: toHex(id),
    ...toJson({ ...r, lock: r.lock }),
    currentPrice: r.status === 'open' ? auctionPrice(r, nextHeight).toString() : null,
  };
}
