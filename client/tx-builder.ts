/**
 * Builds and signs transactions for a node: reads the chain id, the account's next sequence and
 * the minimum fee rate over RPC, and picks the smallest fee the node will accept unless told.
 * The signer is asked to sign once (the fee is computed before signing: protocol/tx.ts).
 */
import { minimumFee, encodeSignedTx, txHash, txSignBytes, type TxBody } from '../protocol/tx.ts';
import { msgFromInput, type MsgInput } from '../protocol/messages/input.ts';
import type { AnyMsg } from '../protocol/messages/index.ts';
import { toHex } from '../protocol/encoding/bytes.ts';
import type { Account, MempoolInfo, ParamsResponse, Status, TxResponse } from '../protocol/rpc-types.ts';
import type { RpcClient } from './rpc.ts';
import { QuarryClientError, TimeoutError } from './errors.ts';

/**
 * Whoever signs transactions: an `Ed25519Wallet`, or anything holding a key elsewhere (a hardware
 * or extension wallet) that signs the bytes it is given with ed25519 and never shows its key.
 */
export interface Signer {
  /** The `qry1…` address of `publicKey`. */
  address: string;
  /** The 32-byte ed25519 public key. */
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

export interface TxOptions {
  fee?: bigint;
  /** Blocks from now after which the transaction may no longer be included (0: never expires). */
  expiresIn?: bigint;
  sequence?: bigint;
}

/** Protocol decode errors become client errors, so every SDK error is a QuarryClientError. */
function toMsg(input: MsgInput | AnyMsg): AnyMsg {
  try {
    return msgFromInput(input);
  } catch (err) {
    throw new QuarryClientError((err as { code?: string }).code ?? 'E_DECODE', (err as Error).message);
  }
}

/** The unsigned body with its fee: what `simulate`-style previews and `buildTx` share. */
export async function prepareTx(rpc: RpcClient, signer: Pick<Signer, 'address' | 'publicKey'>, msgs: Array<MsgInput | AnyMsg>, opts: TxOptions = {}): Promise<TxBody> {
  const [status, account, params] = await Promise.all([
    rpc.get<Status>('/status'),
    opts.sequence === undefined ? rpc.get<Account>(`/accounts/${signer.address}`) : null,
    rpc.get<ParamsResponse>('/params'),
  ]);
  const expiresAtHeight = opts.expiresIn ? BigInt(status.height) + opts.expiresIn : 0n;
  const sequence = opts.sequence ?? BigInt(account!.sequence);
  const body = { chainId: status.chainId, signer: signer.publicKey, sequence, expiresAtHeight, msgs: msgs.map(toMsg) };
  return { ...body, fee: opts.fee ?? minimumFee(body, BigInt(params.chain.minFeeRate)) };
}

export async function buildTx(rpc: RpcClient, signer: Signer, msgs: Array<MsgInput | AnyMsg>, opts: TxOptions = {}): Promise<{ bytes: Uint8Array; hash: string; body: TxBody }> {
  const body = await prepareTx(rpc, signer, msgs, opts);
  const bytes = encodeSignedTx(body, await signer.sign(txSignBytes(body)));
  return { bytes, hash: toHex(txHash(bytes)), body };
}

/** The account's next free sequence at this node: after the committed one and its transactions waiting in the node's mempool. */
export async function nextFreeSequence(rpc: RpcClient, address: string): Promise<bigint> {
  const [account, mempool] = await Promise.all([rpc.get<Account>(`/accounts/${address}`), rpc.get<MempoolInfo>('/mempool')]);
  let next = BigInt(account.sequence);
  for (const e of mempool.entries) if (e.sender === address && BigInt(e.sequence) >= next) next = BigInt(e.sequence) + 1n;
  return next;
}

/** A committed transaction: its height, and its receipt (code, log, events). */
export type TxResult = TxResponse;

/** Submits and, unless `wait` is false, waits until the transaction is committed. */
export async function broadcastTx(rpc: RpcClient, bytes: Uint8Array, wait = true, timeoutMs = 30_000): Promise<TxResult | { hash: string }> {
  const { hash } = await rpc.post<{ hash: string }>('/txs', { tx: toHex(bytes) });
  if (!wait) return { hash };
  return waitForTx(rpc, hash, timeoutMs);
}

export async function waitForTx(rpc: RpcClient, hash: string, timeoutMs = 30_000): Promise<TxResponse> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await rpc.get<TxResponse | { status: 'pending' }>(`/txs/${hash}`).catch((err: { code?: string }) => {
      if (err.code === 'E_NOT_FOUND') return { status: 'unknown' as const };
      throw err;
    });
    if (r.status === 'committed') return r;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new TimeoutError(`transaction ${hash} was not committed within ${timeoutMs} ms`);
}
