/**
 * The testnet's checker (docs/testnet.md): after a run, every node must hold the same blocks up to
 * the lowest head (same header hashes, so the same state roots), every accepted transaction that
 * committed anywhere must be committed on every node at the same height, and every accepted one
 * that did not must have had its sequence taken by another of its sender's (a wallet that lost
 * sight of a pending transaction re-signed that sequence: the chain kept one), only fees may have left
 * the load accounts, and no honest validator may be jailed nor honest peer banned. The run's
 * adversaries must be punished: each double signer tombstoned, each hostile peer banned by every
 * node.
 */
import { RpcClient } from '../../client/rpc.ts';
import { QuarryClientError } from '../../client/errors.ts';
import type { StakingValidator, Status, TxResponse, TxSearchResponse } from '../../protocol/rpc-types.ts';
import type { AcceptedTx, LoadAccount } from './load.ts';

export interface CheckReport {
  heights: string[];
  /** The first height at which nodes hold different blocks (empty: no fork; later heights differ too). */
  forks: string[];
  accepted: number;
  committed: number;
  /** Accepted but not committed because another transaction of the sender took its sequence. */
  replaced: number;
  /** Accepted, not committed, and its sequence never used: a transaction the network dropped. */
  lost: string[];
  /** Accepted transactions committed on some nodes but missing on (or different at) others. */
  divergent: string[];
  conservation: { expected: string; actual: string; ok: boolean };
  /** Jailed validators that did not misbehave. */
  jailed: string[];
  /** Double signers not tombstoned. */
  unpunished: string[];
  /** Ban lines naming a peer that was not hostile. */
  bans: string[];
  /** Per hostile peer, how many nodes banned it (every node must). */
  hostileBans: Record<string, number>;
  ok: boolean;
}

/** Who misbehaved on purpose in the run. */
export interface Expected {
  /** Operator addresses of validators whose key double-signed. */
  byzantine: string[];
  /** Peer ids of hostile peers. */
  hostilePeers: string[];
}

export async function checkTestnet(rpcUrls: string[], accepted: AcceptedTx[], accounts: LoadAccount[], logLines: string[], expected: Expected = { byzantine: [], hostilePeers: [] }): Promise<CheckReport> {
  const rpcs = rpcUrls.map((u) => new PatientReader(u));
  const heights = await Promise.all(rpcs.map(async (r) => BigInt((await r.get<Status>('/status')).height)));
  const common = heights.reduce((a, b) => (a < b ? a : b));
  const forks = await firstFork(rpcs, common);
  const senders = [...new Set([...accounts.map((a) => a.wallet.address), ...accepted.map((t) => t.sender)])];
  const byNode = await Promise.all(rpcs.map((r) => sentByEach(r, senders)));
  const { committed, divergent, uncommitted } = compareTxs(byNode, accepted, common);
  const sent = byNode[0]!;
  const taken = (t: AcceptedTx) => (sent.get(t.sender) ?? []).some((c) => BigInt(c.body.sequence) === t.sequence);
  const lost = uncommitted.filter((t) => !taken(t)).map((t) => t.hash);
  const conservation = conserved(accounts, sent, await balances(rpcs[0]!, accounts));
  const validators = (await rpcs[0]!.get<{ validators: StakingValidator[] }>('/staking/validators')).validators;
  const jailed = validators.filter((v) => v.jailed && !expected.byzantine.includes(v.operator)).map((v) => v.operator);
  const unpunished = expected.byzantine.filter((op) => !validators.some((v) => v.operator === op && v.tombstoned));
  const { bans, hostileBans } = banLines(logLines, expected.hostilePeers);
  const everyNodeBanned = Object.values(hostileBans).every((n) => n === rpcUrls.length);
  const ok = forks.length === 0 && divergent.length === 0 && lost.length === 0 && conservation.ok && jailed.length === 0 && unpunished.length === 0 && bans.length === 0 && everyNodeBanned;
  return { heights: heights.map(String), forks, accepted: accepted.length, committed, replaced: uncommitted.length - lost.length, lost, divergent, conservation, jailed, unpunished, bans, hostileBans, ok };
}

/**
 * Reads that outlast a busy node: a read that times out or finds the node unreachable is tried
 * again (the hour soak's checker gave no verdict after one 15 s timeout).
 */
class PatientReader {
  private readonly rpc: RpcClient;
  constructor(url: string) {
    this.rpc = new RpcClient(url, 30_000);
  }

  async get<T>(path: string): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.rpc.get<T>(path);
      } catch (err) {
        if (attempt >= 4 || !(err instanceof QuarryClientError) || err.code !== 'E_UNAVAILABLE') throw err;
        await new Promise((r) => setTimeout(r, 2_000 * attempt));
      }
    }
  }
}

/**
 * Sorts `peer banned` log lines (`<node> … peer banned peer=<last 8 of the id> …`) into bans of
 * hostile peers, counted per peer and node, and the rest: bans of honest peers.
 */
function banLines(logLines: string[], hostilePeers: string[]): { bans: string[]; hostileBans: Record<string, number> } {
  const banners = new Map(hostilePeers.map((p) => [p, new Set<string>()]));
  const bans: string[] = [];
  for (const line of logLines.filter((l) => /peer banned/.test(l))) {
    const peer = hostilePeers.find((p) => line.includes(p.slice(-8)));
    if (peer) banners.get(peer)!.add(line.split(' ')[0]!);
    else bans.push(line);
  }
  return { bans, hostileBans: Object.fromEntries([...banners].map(([p, nodes]) => [p, nodes.size])) };
}

/**
 * Headers chain by hash, so nodes that hold the same header at the lowest head hold the same blocks
 * below it: one read per node, and a binary search for the first height where they part otherwise.
 * Returns that height (empty when there is no fork).
 */
async function firstFork(rpcs: PatientReader[], upTo: bigint): Promise<string[]> {
  const agree = async (h: bigint) => new Set(await Promise.all(rpcs.map(async (r) => (await r.get<{ header: string }>(`/headers/${h}`)).header))).size === 1;
  if (upTo < 1n || (await agree(upTo))) return [];
  let [good, bad] = [0n, upTo]; // every node agrees at `good` (genesis), some part at `bad`
  while (bad - good > 1n) {
    const mid = (good + bad) / 2n;
    if (await agree(mid)) good = mid;
    else bad = mid;
  }
  return [bad.toString()];
}

/**
 * Each accepted transaction against every node's committed transactions of its sender: committed
 * somewhere, and then at the same height on every node that reached it.
 */
function compareTxs(byNode: Array<Map<string, TxResponse[]>>, accepted: AcceptedTx[], common: bigint): { committed: number; divergent: string[]; uncommitted: AcceptedTx[] } {
  const heightOn = byNode.map((sent) => new Map([...sent.values()].flat().map((t) => [t.hash, t.height] as const)));
  let committed = 0;
  const divergent: string[] = [];
  const uncommitted: AcceptedTx[] = [];
  for (const tx of accepted) {
    const heights = heightOn.map((m) => m.get(tx.hash) ?? null);
    if (heights.every((x) => x === null)) {
      uncommitted.push(tx);
      continue;
    }
    committed++;
    const upToCommon = heights.filter((x) => x === null || BigInt(x) <= common);
    if (new Set(upToCommon).size > 1) divergent.push(tx.hash);
  }
  return { committed, divergent, uncommitted };
}

/** Transfers stay among the load accounts, so their total falls by exactly the fees they paid. */
function conserved(accounts: LoadAccount[], sent: Map<string, TxResponse[]>, actual: bigint): CheckReport['conservation'] {
  let expected = 0n;
  for (const a of accounts) {
    expected += a.funded;
    for (const tx of sent.get(a.wallet.address) ?? []) expected -= BigInt(tx.body.fee);
  }
  return { expected: expected.toString(), actual: actual.toString(), ok: expected === actual };
}

async function balances(rpc: PatientReader, accounts: LoadAccount[]): Promise<bigint> {
  let total = 0n;
  for (const a of accounts) for (const address of [a.wallet.address, a.recipient]) total += BigInt((await rpc.get<{ balance: string }>(`/accounts/${address}`)).balance);
  return total;
}

/** One sender after another: a node answers one page at a time, and its consensus runs beside. */
async function sentByEach(rpc: PatientReader, senders: string[]): Promise<Map<string, TxResponse[]>> {
  const out = new Map<string, TxResponse[]>();
  for (const sender of senders) out.set(sender, await sentBy(rpc, sender));
  return out;
}

/** Every committed transaction of a sender, following the pages' `next` (a re-read height is kept once). */
async function sentBy(rpc: PatientReader, sender: string): Promise<TxResponse[]> {
  const all = new Map<string, TxResponse>();
  for (let before: string | null | undefined = undefined; ; ) {
    const page: TxSearchResponse = await rpc.get<TxSearchResponse>(`/txs?sender=${sender}&limit=1000${before ? `&before=${before}` : ''}`);
    for (const t of page.txs) all.set(t.hash, t);
    if (!page.next) return [...all.values()];
    before = page.next;
  }
}
