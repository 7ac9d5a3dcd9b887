/**
 * The testnet's proof-request load (docs/testnet.md §load): one requester posts a
 * `poseidon-preimage` request at a fixed interval through a random live node, for the market
 * prover running beside the miner to fill. At the end every request whose deadline has passed
 * must be settled — fulfilled, or expired with its escrow refunded — never left open: a request
 * stuck past its deadline is a market that lost track of it.
 */
import { RpcClient } from '../../client/rpc.ts';
import { broadcastTx, buildTx, nextFreeSequence, type Signer } from '../../client/tx-builder.ts';
import { requestProofMsg } from '../../client/market.ts';
import { requestId } from '../../protocol/messages/market.ts';
import { fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import { poseidonHash } from '../../client/poseidon.ts';
import { Ed25519Wallet } from '../../client/wallet.ts';
import { QuarryClientError } from '../../client/errors.ts';
import type { MarketRequest, Status } from '../../protocol/rpc-types.ts';

const FUNDING = 1_000_000_000n; // 1,000 QRY: a request pays at most 1 QRY
const MAX_PRICE = 1_000_000n;
const DEADLINE_BLOCKS = 60n;

export interface RequestReport {
  posted: number;
  refused: Record<string, number>;
  fulfilled: number;
  expired: number;
  /** Deadline not reached yet at the check. */
  pending: number;
  /** Accepted by a node but never executed (the node died with it, or its sequence was re-used). */
  notCreated: number;
  /** Deadline passed but neither fulfilled nor expired. */
  stuck: string[];
  ok: boolean;
}

export class ProofRequestLoad {
  readonly requester = Ed25519Wallet.generate();
  /** Request ids, known from the transaction hash before it is posted. */
  private readonly ids: string[] = [];
  private readonly refused = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private busy: Promise<void> = Promise.resolve();
  private nonce = 1n;

  constructor(private readonly liveRpcs: () => string[]) {}

  /** Funds the requester from `funder` and waits for the block. */
  async fund(rpcUrl: string, funder: Signer): Promise<void> {
    const rpc = new RpcClient(rpcUrl, 30_000);
    const { bytes } = await buildTx(rpc, funder, [{ type: 'bank/send', to: this.requester.address, amount: FUNDING }]);
    const res = await broadcastTx(rpc, bytes, true, 60_000);
    if ('result' in res && res.result.code !== 'OK') throw new Error(`funding the requester failed: ${res.result.code} ${res.result.log}`);
  }

  start(everySec: number): void {
    this.timer = setInterval(() => {
      this.busy = this.busy.then(() => this.postOne());
    }, everySec * 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.busy;
  }

  private async postOne(): Promise<void> {
    const urls = this.liveRpcs();
    if (urls.length === 0) return;
    const rpc = new RpcClient(urls[Math.floor(Math.random() * urls.length)]!, 30_000);
    const preimage = this.nonce++ * 7919n;
    try {
      const { circuits } = await rpc.get<{ circuits: Array<{ id: string; name: string }> }>('/market/circuits');
      const circuitId = circuits.find((c) => c.name === 'poseidon-preimage')!.id;
      const msg = requestProofMsg({ circuitId, inputs: { preimage, hash: poseidonHash([preimage]) }, maxPrice: MAX_PRICE, deadlineBlocks: DEADLINE_BLOCKS });
      const sequence = await nextFreeSequence(rpc, this.requester.address);
      const { bytes, hash } = await buildTx(rpc, this.requester, [msg], { sequence, expiresIn: 300n });
      await rpc.post('/txs', { tx: toHex(bytes) });
      this.ids.push(toHex(requestId(fromHex(hash), 0)));
    } catch (err) {
      const code = err instanceof QuarryClientError ? err.code : 'E_CLIENT';
      this.refused.set(code, (this.refused.get(code) ?? 0) + 1);
    }
  }

  /** Every request's outcome as `rpcUrl` sees it. */
  async check(rpcUrl: string): Promise<RequestReport> {
    const rpc = new RpcClient(rpcUrl, 15_000);
    const height = BigInt((await rpc.get<Status>('/status')).height);
    const r: RequestReport = { posted: this.ids.length, refused: Object.fromEntries(this.refused), fulfilled: 0, expired: 0, pending: 0, notCreated: 0, stuck: [], ok: false };
    for (const id of this.ids) {
      const req = await rpc.get<MarketRequest>(`/market/requests/${id}`).catch((err) => {
        if (err instanceof QuarryClientError && err.code === 'E_NOT_FOUND') return null;
        throw err;
      });
      if (!req) r.notCreated++;
      else if (req.status === 'fulfilled') r.fulfilled++;
      else if (req.status === 'expired' || req.status === 'cancelled') r.expired++;
      else if (BigInt(req.deadline) >= height) r.pending++;
      else r.stuck.push(id);
    }
    r.ok = r.stuck.length === 0;
    return r;
  }
}
