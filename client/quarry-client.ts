/**
 * The read-only SDK client, modelled on @cosmjs/stargate's StargateClient:
 * `const client = await QuarryClient.connect('http://127.0.0.1:26657')`. Every method is one RPC
 * call; errors are `RpcError`s carrying the node's codes. `subscribe` follows the WebSocket event
 * stream and reconnects by itself.
 */
import WebSocketNode from 'ws';
import { RpcClient } from './rpc.ts';
import { verifyAccountProof, type AccountProofJson } from './account-proof.ts';
import { QuarryClientError } from './errors.ts';
import { waitForTx, type TxResult } from './tx-builder.ts';
import { waitForProof, type DeliveredProof } from './market.ts';
import type {
  Account,
  BlockJson,
  ChainEventJson,
  Delegation,
  EventType,
  MarketAsk,
  MarketCircuit,
  MarketTotals,
  MarketProver,
  ProverDelegationView,
  BlockProofs,
  SealView,
  MarketRequest,
  MempoolInfo,
  NetInfo,
  PuzzleState,
  StakingValidator,
  Status,
  TxResponse,
  TxSearchResponse,
} from '../protocol/rpc-types.ts';

export interface Subscription {
  close(): void;
}

export interface SubscribeOptions {
  /** Called with true when the stream (re)connects and false when it drops. */
  onConnection?: (connected: boolean) => void;
  reconnectMs?: number;
}

export class QuarryClient {
  protected readonly subscriptions = new Set<Subscription>();

  protected constructor(readonly rpc: RpcClient) {}

  /** Connects and checks that a Quarry node answers (E_UNAVAILABLE otherwise). */
  static async connect(url: string, opts: { timeoutMs?: number } = {}): Promise<QuarryClient> {
    const client = new QuarryClient(new RpcClient(url, opts.timeoutMs));
    await client.getStatus();
    return client;
  }

  /** A client that contacts the node only when used (for dashboards that start before the node). */
  static lazy(url: string, opts: { timeoutMs?: number } = {}): QuarryClient {
    return new QuarryClient(new RpcClient(url, opts.timeoutMs));
  }

  get url(): string {
    return this.rpc.baseUrl;
  }

  getStatus(): Promise<Status> {
    return this.rpc.get('/status');
  }

  async getHeight(): Promise<bigint> {
    return BigInt((await this.getStatus()).height);
  }

  async getChainId(): Promise<string> {
    return (await this.getStatus()).chainId;
  }

  getBlock(height?: bigint | number): Promise<BlockJson> {
    return this.rpc.get(`/blocks/${height === undefined ? 'latest' : height.toString()}`);
  }

  getTx(hash: string): Promise<TxResponse> {
    return this.rpc.get(`/txs/${hash}`);
  }

  /**
   * Committed transactions of a sender (newest first; `before` pages below a height) or of a
   * block (in block order). `limit`: 1–1000, default 100. A sender's page can also end early, at a
   * whole height, once it holds 4 MiB of transactions: page with `searchTxPage` and its `next`.
   */
  async searchTx(query: { sender: string; before?: bigint; limit?: number } | { height: bigint | number; limit?: number }): Promise<TxResponse[]> {
    return (await this.searchTxPage(query)).txs;
  }

  /**
   * `searchTx` with the page's cursor: for a sender, `next` is the `before` of the following page
   * (null when there is nothing older). It may re-read a height the previous page split, so keep
   * transactions by hash.
   */
  async searchTxPage(query: { sender: string; before?: bigint; limit?: number } | { height: bigint | number; limit?: number }): Promise<{ txs: TxResponse[]; next: bigint | null }> {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)] as [string, string]));
    const page = await this.rpc.get<TxSearchResponse>(`/txs?${qs}`);
    return { txs: page.txs, next: page.next ? BigInt(page.next) : null };
  }

  getAccount(address: string): Promise<Account> {
    return this.rpc.get(`/accounts/${encodeURIComponent(address)}`);
  }

  async getBalance(address: string): Promise<bigint> {
    return BigInt((await this.getAccount(address)).balance);
  }

  /** The account's next sequence as committed (pending transactions not counted). */
  async getSequence(address: string): Promise<bigint> {
    return BigInt((await this.getAccount(address)).sequence);
  }

  /**
   * The account with a sparse-Merkle proof checked here against the state root of the block
   * header the node returns (E_BAD_PROOF if it does not verify). This trusts the header; the
   * light client (issue #6) adds the commit and epoch proofs.
   */
  async getVerifiedAccount(address: string, height?: bigint): Promise<Account & { stateRoot: string }> {
    const a = await this.rpc.get<AccountProofJson>(`/accounts/${encodeURIComponent(address)}?prove=true${height === undefined ? '' : `&height=${height}`}`);
    const verdict = verifyAccountProof(a);
    if (!verdict.ok) throw new QuarryClientError('E_BAD_PROOF', `the node's account proof does not verify: ${verdict.reason}`);
    return { address: a.address, height: a.height, balance: a.balance, sequence: a.sequence, stateRoot: verdict.stateRoot };
  }

  async getValidators(): Promise<StakingValidator[]> {
    return (await this.rpc.get<{ validators: StakingValidator[] }>('/staking/validators')).validators;
  }

  async getDelegations(address: string): Promise<Delegation[]> {
    return (await this.rpc.get<{ delegations: Delegation[] }>(`/staking/delegations/${encodeURIComponent(address)}`)).delegations;
  }

  getPuzzle(): Promise<PuzzleState> {
    return this.rpc.get('/puzzle');
  }

  getMempool(): Promise<MempoolInfo> {
    return this.rpc.get('/mempool');
  }

  getNetInfo(): Promise<NetInfo> {
    return this.rpc.get('/net');
  }

  async getMarketRequests(filter: { status?: MarketRequest['status']; prover?: string; limit?: number } = {}): Promise<MarketRequest[]> {
    const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)] as [string, string]));
    return (await this.rpc.get<{ requests: MarketRequest[] }>(`/market/requests${qs.size ? `?${qs}` : ''}`)).requests;
  }

  getMarketRequest(id: string): Promise<MarketRequest> {
    return this.rpc.get(`/market/requests/${id}`);
  }

  async getAsks(circuitId?: string): Promise<MarketAsk[]> {
    return (await this.rpc.get<{ asks: MarketAsk[] }>(`/market/asks${circuitId ? `?circuit=${circuitId}` : ''}`)).asks;
  }

  getProver(address: string): Promise<MarketProver> {
    return this.rpc.get(`/market/provers/${encodeURIComponent(address)}`);
  }

  /** The proofs a block's fills delivered for one circuit, with the key and the batch seed (docs/market.md §verification). */
  getBlockProofs(height: bigint | number | string, circuitId: string): Promise<BlockProofs> {
    return this.rpc.get(`/market/blocks/${height}/proofs?circuit=${encodeURIComponent(circuitId)}`);
  }

  /** A locked sealed request's sealed inputs, for its prover to open (protocol/seal.ts openSeal). */
  getSeal(requestId: string): Promise<SealView> {
    return this.rpc.get(`/market/requests/${encodeURIComponent(requestId)}/seal`);
  }

  /** A prover's delegations, in the order they came (docs/market.md §delegation). */
  async getProverDelegations(prover: string): Promise<ProverDelegationView[]> {
    return (await this.rpc.get<{ delegations: ProverDelegationView[] }>(`/market/provers/${encodeURIComponent(prover)}/delegations`)).delegations;
  }

  /** One delegation: its worth after slashes, its pending rewards, what is unbonding (E_NOT_FOUND when there is none). */
  getProverDelegation(prover: string, delegator: string): Promise<ProverDelegationView> {
    return this.rpc.get(`/market/provers/${encodeURIComponent(prover)}/delegations/${encodeURIComponent(delegator)}`);
  }

  /** The market's totals since genesis: requests, fills, slashes, declines, amounts paid. */
  getMarketTotals(): Promise<MarketTotals> {
    return this.rpc.get('/market/totals');
  }

  async getCircuits(): Promise<MarketCircuit[]> {
    return (await this.rpc.get<{ circuits: MarketCircuit[] }>('/market/circuits')).circuits;
  }

  /** Waits until a transaction is committed (E_TIMEOUT after `timeoutMs`). */
  waitForTx(hash: string, timeoutMs = 30_000): Promise<TxResult> {
    return waitForTx(this.rpc, hash, timeoutMs);
  }

  /** Waits for a market request's proof (E_EXPIRED if it ends without one, E_TIMEOUT). */
  waitForProof(requestId: string, timeoutMs = 120_000): Promise<DeliveredProof> {
    return waitForProof(this.rpc, requestId, timeoutMs);
  }

  /** Streams events of the given types (all when empty); reconnects until closed or `disconnect()`. */
  subscribe(types: EventType[], onEvent: (e: ChainEventJson) => void, opts: SubscribeOptions = {}): Subscription {
    let closed = false;
    let ws: EventSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const url = `${this.url.replace(/^http/, 'ws')}/events${types.length ? `?types=${types.join(',')}` : ''}`;
    const open = () => {
      if (closed) return;
      ws = openSocket(url);
      ws.onopen = () => opts.onConnection?.(true);
      // a frame already received when the stream closes is dropped, not delivered after close()
      ws.onmessage = (ev) => {
        if (!closed) onEvent(JSON.parse(String(ev.data)) as ChainEventJson);
      };
      ws.onerror = () => undefined; // 'close' follows
      ws.onclose = () => {
        if (closed) return;
        opts.onConnection?.(false);
        timer = setTimeout(open, opts.reconnectMs ?? 1000);
      };
    };
    const sub: Subscription = {
      close: () => {
        closed = true;
        this.subscriptions.delete(sub);
        if (timer) clearTimeout(timer);
        ws?.close();
      },
    };
    this.subscriptions.add(sub);
    open();
    return sub;
  }

  /** Closes every subscription (HTTP calls hold no connection). */
  disconnect(): void {
    for (const sub of [...this.subscriptions]) sub.close();
  }
}

/** The part of the WebSocket API used here, common to browsers and the `ws` package. */
interface EventSocket {
  onopen: (() => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: (() => void) | null;
  onclose: (() => void) | null;
  close(): void;
}

/** The platform's WebSocket where there is one (browsers, Node ≥ 22), else the `ws` package. */
function openSocket(url: string): EventSocket {
  const Platform = (globalThis as { WebSocket?: new (url: string) => EventSocket }).WebSocket;
  return Platform ? new Platform(url) : (new WebSocketNode(url) as unknown as EventSocket);
}
