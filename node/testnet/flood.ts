/**
 * The large-block attack of issue #16 finding 1, replayed: a burst of transactions of about 60 KB
 * each (28 multi-sends of 64 outputs, under the 64 KiB `maxTxBytes`) posted back to back to one validator. It once halted the chain
 * for good (proposals over libp2p's read limits, peers banning each other for slow answers,
 * seconds of execution per block). Now blocks are bounded by `maxBlockBytes` and `maxBlockWeight`,
 * so the burst must drain over several blocks with no ban, no halt and every transaction committed
 * on every node. The outputs pay a fixed set of recipients, so the state does not grow with it.
 */
import { secondsUntilAll } from './poll.ts';
import { RpcClient } from '../../client/rpc.ts';
import { broadcastTx, buildTx, type Signer } from '../../client/tx-builder.ts';
import { Ed25519Wallet } from '../../client/wallet.ts';
import { QuarryClientError } from '../../client/errors.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { MAX_OUTPUTS } from '../../protocol/messages/bank.ts';
import type { MsgInput } from '../../protocol/messages/input.ts';
import type { TxResponse } from '../../protocol/rpc-types.ts';
import type { AcceptedTx } from './load.ts';

const FUNDING = 1_000_000_000n; // 1,000 QRY: each transaction's fee is about 0.25 QRY
/** 28 multi-sends of 64 outputs: 60,226 bytes signed (30 would still fit; the audit's were ≈ 60 KB). */
const MSGS_PER_TX = 28;

export interface FloodResult {
  accepted: AcceptedTx[];
  refused: Record<string, number>;
  bytesEach: number;
}

/** Funds a fresh account from `funder`, then posts `count` large transactions back to back to `rpcUrl`. */
export async function flood(rpcUrl: string, funder: Signer, count: number): Promise<FloodResult> {
  const rpc = new RpcClient(rpcUrl, 60_000);
  const flooder = Ed25519Wallet.generate();
  const funding = await buildTx(rpc, funder, [{ type: 'bank/send', to: flooder.address, amount: FUNDING }]);
  const funded = await broadcastTx(rpc, funding.bytes, true, 60_000);
  if ('result' in funded && funded.result.code !== 'OK') throw new Error(`funding the flooder failed: ${funded.result.code}`);
  const recipients = Array.from({ length: MAX_OUTPUTS }, () => Ed25519Wallet.generate().address);
  const msg: MsgInput = { type: 'bank/multi-send', outputs: recipients.map((to) => ({ to, amount: 1n })) };
  const txs = [];
  for (let sequence = 0n; sequence < BigInt(count); sequence++) txs.push(await buildTx(rpc, flooder, Array.from({ length: MSGS_PER_TX }, () => msg), { sequence, expiresIn: 600n }));
  const refused: Record<string, number> = {};
  const accepted: AcceptedTx[] = [];
  // back to back in sequence order, as fast as the node answers: posted all at once, they reach
  // the mempool out of order and every one after the first gap is refused (E_SEQUENCE)
  for (const { bytes, hash, body } of txs) {
    try {
      await rpc.post('/txs', { tx: toHex(bytes) });
      accepted.push({ hash, sender: flooder.address, sequence: body.sequence });
    } catch (err) {
      const code = err instanceof QuarryClientError ? err.code : 'E_CLIENT';
      refused[code] = (refused[code] ?? 0) + 1;
    }
  }
  if (accepted.length === 0) throw new Error(`the node refused the whole flood: ${JSON.stringify(refused)}`);
  return { accepted, refused, bytesEach: txs[0]?.bytes.length ?? 0 };
}

/** Seconds until every live node has committed the last accepted flood transaction (bound: 300 s). */
export async function drained(live: () => string[], last: AcceptedTx | undefined): Promise<number | null> {
  if (!last) return 0;
  const committed = async (url: string) => (await new RpcClient(url, 5_000).get<TxResponse | { status: string }>(`/txs/${last.hash}`)).status === 'committed';
  return secondsUntilAll(live, committed, 300_000, 500);
}
