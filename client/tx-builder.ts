/**
 * Builds and signs transactions for a node: reads the chain id, the account's next sequence and
 * the minimum fee rate over RPC, and picks the smallest fee the node will accept unless told.
 */
import { signTx, decodeTx, type TxBody } from '../node/tx/tx.ts';
import type { Msg } from '../node/modules/types.ts';
import { txWeight } from '../node/exec/ante.ts';
import { toHex } from '../node/encoding/bytes.ts';
import type { RpcClient } from './rpc.ts';
import { TimeoutError } from './errors.ts';

export interface Signer {
  address: string;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export interface TxOptions {
  fee?: bigint;
  /** Blocks from now after which the transaction may no longer be included (0: never expires). */
  expiresIn?: bigint;
  sequence?: bigint;
}

/** Smallest fee covering minFeeRate × (bytes + weight), found by re-signing until it is stable. */
export function signWithMinimumFee(body: Omit<TxBody, 'fee'>, secretKey: Uint8Array, minFeeRate: bigint): Uint8Array {
  let fee = 0n;
  for (let i = 0; i < 8; i++) {
    const bytes = signTx({ ...body, fee }, secretKey);
    const needed = minFeeRate * txWeight(decodeTx(bytes));
    if (needed <= fee) return bytes;
    fee = needed;
  }
  throw new Error('fee estimation did not converge');
}

export async function buildTx(rpc: RpcClient, signer: Signer, msgs: Msg[], opts: TxOptions = {}): Promise<{ bytes: Uint8Array; hash: string }> {
  const [status, account, params] = await Promise.all([
    rpc.get<{ chainId: string; height: string }>('/status'),
    rpc.get<{ sequence: string }>(`/accounts/${signer.address}`),
    rpc.get<{ chain: { minFeeRate: string } }>('/params'),
  ]);
  const expiresAtHeight = opts.expiresIn ? BigInt(status.height) + opts.expiresIn : 0n;
  const body = { chainId: status.chainId, signer: signer.publicKey, sequence: opts.sequence ?? BigInt(account.sequence), expiresAtHeight, msgs };
  const bytes = opts.fee !== undefined ? signTx({ ...body, fee: opts.fee }, signer.secretKey) : signWithMinimumFee(body, signer.secretKey, BigInt(params.chain.minFeeRate));
  return { bytes, hash: toHex(decodeTx(bytes).hash) };
}

export interface TxResult {
  hash: string;
  height: string;
  result: { code: string; log: string };
}

/** Submits and, unless `wait` is false, waits until the transaction is committed. */
export async function broadcastTx(rpc: RpcClient, bytes: Uint8Array, wait = true, timeoutMs = 30_000): Promise<TxResult | { hash: string }> {
  const { hash } = await rpc.post<{ hash: string }>('/txs', { tx: toHex(bytes) });
  if (!wait) return { hash };
  return waitForTx(rpc, hash, timeoutMs);
}

export async function waitForTx(rpc: RpcClient, hash: string, timeoutMs = 30_000): Promise<TxResult> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await rpc.get<{ status: string } & Partial<TxResult>>(`/txs/${hash}`).catch((err: { code?: string }) => {
      if (err.code === 'E_NOT_FOUND') return { status: 'unknown' };
      throw err;
    });
    if (r.status === 'committed') return r as TxResult;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new TimeoutError(`transaction ${hash} was not committed within ${timeoutMs} ms`);
}
