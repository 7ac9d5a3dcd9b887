/**
 * The testnet's load: funded senders each paying one fresh recipient 1 uqry at a time, every
 * transaction posted to a random node that is up. It records what a node accepted; the checker
 * (checker.ts) then counts what committed and checks that only fees left the senders' and
 * recipients' balances. A refused or lost transaction is retried with a sequence re-read from
 * the node, as a wallet would.
 */
import { RpcClient } from '../../client/rpc.ts';
import { broadcastTx, buildTx, nextFreeSequence } from '../../client/tx-builder.ts';
import { Ed25519Wallet } from '../../client/wallet.ts';
import { RpcError } from '../../client/errors.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import type { Signer } from '../../client/tx-builder.ts';

export interface LoadAccount {
  wallet: Ed25519Wallet;
  recipient: string;
  funded: bigint;
  next: bigint | null;
}

/** A transaction a node accepted (HTTP 202). */
export interface AcceptedTx {
  hash: string;
  sender: string;
  sequence: bigint;
}

export interface LoadStats {
  accepted: AcceptedTx[];
  refused: Map<string, number>;
}

const FUNDING = 1_000_000_000n; // 1,000 QRY each: far more than the fees of a long run

export class LoadGenerator {
  readonly accounts: LoadAccount[];
  readonly stats: LoadStats = { accepted: [], refused: new Map() };
  private timer: ReturnType<typeof setInterval> | null = null;
  private turn = 0;
  private inFlight = 0;

  constructor(
    senders: number,
    private readonly liveRpcs: () => string[],
  ) {
    this.accounts = Array.from({ length: senders }, () => ({ wallet: Ed25519Wallet.generate(), recipient: Ed25519Wallet.generate().address, funded: FUNDING, next: null }));
  }

  /** Pays every sender from `funder` in one multi-send and waits (up to a minute) for its block. */
  async fund(rpcUrl: string, funder: Signer): Promise<void> {
    const rpc = new RpcClient(rpcUrl, 30_000);
    const outputs = this.accounts.map((a) => ({ to: a.wallet.address, amount: FUNDING }));
    const { bytes } = await buildTx(rpc, funder, [{ type: 'bank/multi-send', outputs }]);
    const res = await broadcastTx(rpc, bytes, true, 60_000);
    if ('result' in res && res.result.code !== 'OK') throw new Error(`funding the load accounts failed: ${res.result.code} ${res.result.log}`);
  }

  start(tps: number): void {
    this.timer = setInterval(() => void this.sendOne(), Math.max(1, Math.round(1000 / tps)));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 50));
  }

  private async sendOne(): Promise<void> {
    const urls = this.liveRpcs();
    if (urls.length === 0 || this.inFlight > 16) return;
    const account = this.accounts[this.turn++ % this.accounts.length]!;
    const rpc = new RpcClient(urls[Math.floor(Math.random() * urls.length)]!, 5_000);
    this.inFlight++;
    try {
      const sequence = account.next ?? (await nextFreeSequence(rpc, account.wallet.address));
      account.next = sequence + 1n;
      const { bytes, hash } = await buildTx(rpc, account.wallet, [{ type: 'bank/send', to: account.recipient, amount: 1n }], { sequence, expiresIn: 300n });
      await rpc.post('/txs', { tx: toHex(bytes) });
      this.stats.accepted.push({ hash, sender: account.wallet.address, sequence });
    } catch (err) {
      account.next = null;
      const code = err instanceof RpcError ? err.code : 'E_CLIENT';
      this.stats.refused.set(code, (this.stats.refused.get(code) ?? 0) + 1);
    } finally {
      this.inFlight--;
    }
  }
}
