/**
 * A prover's transactions, one at a time, each waiting for its block (docs/market.md
 * §prover-policy). A transaction whose wait timed out is usually still in the mempool (blocks full
 * of higher fees ahead of it): a new one signed now would take its sequence and be refused as an
 * underpriced replacement (E_FEE_TOO_LOW) at every try, once a second for as long as it waits. So
 * nothing more is sent until that one is committed or gone from the node.
 */
import type { AnyMsg } from '../protocol/messages/index.ts';
import type { RpcClient } from '../client/rpc.ts';
import { RpcError, TimeoutError } from '../client/errors.ts';
import { buildTx, broadcastTx, waitForTx, type Signer, type TxResult } from '../client/tx-builder.ts';

export interface SerialSenderOptions {
  /** How long a transaction may wait for its block before `send` gives up on it (it stays pending); per send too. */
  waitMs?: number;
  /** How long a later `send` waits for such a transaction before giving up itself (E_TIMEOUT). */
  settleMs?: number;
  pollMs?: number;
}

export class SerialSender {
  /** A sent transaction not yet seen committed (its wait timed out). */
  private pending: string | null = null;

  constructor(private readonly rpc: RpcClient, private readonly key: Signer, private readonly o: SerialSenderOptions = {}) {}

  async send(msgs: AnyMsg[], waitMs = this.o.waitMs ?? 30_000): Promise<TxResult> {
    await this.settle();
    const { bytes } = await buildTx(this.rpc, this.key, msgs);
    const { hash } = (await broadcastTx(this.rpc, bytes, false)) as { hash: string };
    try {
      return await waitForTx(this.rpc, hash, waitMs);
    } catch (err) {
      if (err instanceof TimeoutError) this.pending = hash;
      throw err;
    }
  }

  /** Waits until the timed-out transaction is committed or the node no longer holds it. */
  private async settle(): Promise<void> {
    const hash = this.pending;
    if (!hash) return;
    const deadline = Date.now() + (this.o.settleMs ?? 30_000);
    while (Date.now() < deadline) {
      const status = await this.rpc.get<{ status: string }>(`/txs/${hash}`).then(
        (r) => r.status,
        (err: unknown) => (err instanceof RpcError && err.code === 'E_NOT_FOUND' ? 'gone' : Promise.reject(err)),
      );
      if (status !== 'pending') {
        this.pending = null;
        return;
      }
      await new Promise((r) => setTimeout(r, this.o.pollMs ?? 500));
    }
    throw new TimeoutError(`transaction ${hash.slice(0, 16)} is still pending; nothing more is sent until it settles`);
  }
}
