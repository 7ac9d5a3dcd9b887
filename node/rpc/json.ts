/**
 * JSON views of chain objects for the RPC and CLI. Conventions (docs/rpc.md): integers are decimal
 * strings, byte strings are lowercase hex, and 20-byte values (addresses) are bech32m `qry1…`.
 */
import { encodeAddress } from '../crypto/address.ts';
import { toHex } from '../encoding/bytes.ts';
import type { Block, Header } from '../types/block.ts';
import type { Tx } from '../tx/tx.ts';
import type { Receipt } from '../exec/execute.ts';
import type { ChainEvent } from '../modules/types.ts';
import type { CommitCertificate } from '../../consensus/messages.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return value.length === 20 ? encodeAddress(value) : toHex(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

export function headerJson(header: Header, hash: Uint8Array): JsonValue {
  return { hash: toHex(hash), ...(toJson(header) as object) };
}

export function txJson(tx: Tx): JsonValue {
  return { hash: toHex(tx.hash), sender: encodeAddress(tx.sender), size: tx.bytes.length, ...(toJson(tx.tx) as object) };
}

export function receiptJson(r: Receipt): JsonValue {
  return toJson({ code: r.code, log: r.log, events: r.events });
}

export function commitJson(c: CommitCertificate | null): JsonValue {
  return toJson(c);
}

/** A block with its transactions' results and the block's own events (end-block work). */
export function blockJson(block: Block, hash: Uint8Array, txs: Tx[], receipts: Receipt[], events: ChainEvent[]): JsonValue {
  return {
    hash: toHex(hash),
    header: headerJson(block.header, hash),
    txs: txs.map((t, i) => ({ ...(txJson(t) as object), result: receipts[i] ? receiptJson(receipts[i]) : null })),
    events: toJson(events),
    lastCommit: commitJson(block.lastCommit),
  };
}
