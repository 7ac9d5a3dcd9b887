/**
 * The light client daemon behind `quarry light serve` (docs/epochs.md §daemon): it verifies from
 * genesis once (the epoch proof, its validator set, the newest header the set signed), keeps the
 * o1js verifier warm in its process, and then follows the chain: every `pollMs` it verifies the
 * newest header's commit against the proven set, and when the chain has passed the proven epoch's
 * boundary it fetches and verifies the newest epoch proof from its sources (seconds, warm). Every
 * answer is checked against the newest verified header: accounts and any state record by SMT
 * proof, transaction inclusion by the block's transaction list against the header's txRoot.
 * A query while the verified header is older than the freshness bound is refused (E_LIGHT_STALE).
 */
import { decodeAs } from '../protocol/encoding/cbor.ts';
import { equalBytes, fromHex, toHex } from '../protocol/encoding/bytes.ts';
import { verifySmtProof } from '../protocol/smt-verify.ts';
import type { Record as StateRecord } from '../node/state/record.ts';
import { merkleRoot } from '../node/crypto/merkle.ts';
import { LightClientError, type LightClient, type ProvenEpoch, type VerifiedHeader } from './light-client.ts';

export type Head = Omit<VerifiedHeader, 'timings'>;

export interface DaemonEvents {
  /** A phase of the cold start began or ended, or the chain advanced (one line each for the operator). */
  onProgress?: (msg: string, fields?: Record<string, unknown>) => void;
  /** A header was verified and became the newest (the explorer lists them). */
  onHead?: (head: Head) => void;
}

interface StateProofJson {
  proof: { key: string; value: string | null; siblings: string[]; leaf: { key: string; valueHash: string } | null };
}

/** Re-checks the sources for a newer epoch proof at most this often once the chain is past the proven boundary. */
const EPOCH_RETRY_MS = 10_000;
const KEEP_HEADERS = 1024;

export class LightDaemon {
  private proven: ProvenEpoch | null = null;
  private latest: Head | null = null;
  /** Recently verified headers by height (transaction inclusion needs the header of the tx's block). */
  private readonly headers = new Map<bigint, Head>();
  private nextEpochCheck = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private connected = true;
  coldStartMs = 0;

  constructor(private readonly client: LightClient, private readonly o: DaemonEvents & { pollMs?: number } = {}) {}

  /** The cold start: verify the newest epoch proof and head, printing each phase; then follow. */
  async start(): Promise<Head> {
    const t0 = performance.now();
    this.progress('fetching epoch proofs and verifying the newest (the first verification in a process builds the verifier: about a minute)');
    const proven = await this.client.verifyEpoch();
    this.progress('epoch proof verified', { epoch: proven.epoch.toString(), ms: Math.round(performance.now() - t0) });
    const head = await this.client.verifyHeader(proven);
    this.proven = proven;
    this.accept(head);
    this.coldStartMs = Math.round(performance.now() - t0);
    this.progress('verified from genesis', { epoch: head.epoch.toString(), height: head.height.toString(), ms: this.coldStartMs });
    this.schedule();
    return head;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The newest verified header, refused when older than the freshness bound. */
  head(): Head {
    if (!this.latest) throw new LightClientError('E_LIGHT_HEADER', 'not verified yet: the cold start is still running');
    this.client.checkFresh(this.latest);
    return this.latest;
  }

  /** The proven epoch's validator set. */
  validators(): { epoch: bigint; members: Array<{ address: Uint8Array; power: bigint }> } {
    const head = this.head();
    return { epoch: head.epoch, members: this.proven!.set.validators.map((v) => ({ address: v.address, power: v.power })) };
  }

  /** A verified header this daemon has seen (recent heights only), or the newest. */
  header(height?: bigint): Head {
    const head = this.head();
    if (height === undefined || height === head.height) return head;
    const h = this.headers.get(height);
    if (!h) throw new LightClientError('E_LIGHT_HEADER', `header ${height} is not among the ${KEEP_HEADERS} most recent verified headers`);
    return h;
  }

  async account(address: string): Promise<{ head: Head; balance: bigint; sequence: bigint }> {
    const head = this.head();
    const a = await this.client.accountAt(head, address);
    return { head, balance: a.balance, sequence: a.sequence };
  }

  /** A state record (namespace, id) proven in the newest verified state root; null when absent (proven absent). */
  async record<T>(rec: Pick<StateRecord<T>, 'namespace' | 'schema' | 'key'>, id: Uint8Array): Promise<{ head: Head; value: T | null }> {
    const head = this.head();
    const key = rec.key(id);
    const res = await this.client.fetch<StateProofJson>(`/state-proofs?ns=${encodeURIComponent(rec.namespace)}&id=${toHex(id)}&height=${head.height}`);
    const p = res.proof;
    if (p?.key !== toHex(key)) throw new LightClientError('E_LIGHT_STATE', 'the state proof is for another key');
    const value = p.value === null ? null : fromHex(p.value);
    const proof = { siblings: p.siblings.map(fromHex), leaf: p.leaf ? { key: fromHex(p.leaf.key), valueHash: fromHex(p.leaf.valueHash) } : null };
    const verdict = verifySmtProof(head.stateRoot, key, value, proof);
    if (!verdict.ok) throw new LightClientError('E_LIGHT_STATE', `state proof rejected: ${verdict.reason}`);
    try {
      return { head, value: value === null ? null : decodeAs(rec.schema, value) };
    } catch (err) {
      throw new LightClientError('E_LIGHT_STATE', `the proven record does not decode: ${(err as Error).message}`);
    }
  }

  /**
   * A transaction's inclusion: its block's transaction hashes must be the ones the verified
   * header's txRoot commits to, with this hash at the stated index. Headers do not commit to
   * execution results, so this proves inclusion, not success (check its effects in state).
   */
  async txInclusion(hash: string): Promise<{ head: Head; height: bigint; index: number }> {
    this.head();
    const res = await this.client.fetch<{ height: string; index: number; hashes: string[] }>(`/txs/${hash}/inclusion`);
    const height = BigInt(res.height);
    const end = (this.proven!.epoch + 1n) * this.client.epochLength;
    if (height > end) throw new LightClientError('E_LIGHT_TX', `block ${height} is past the proven epoch ${this.proven!.epoch} (its last block is ${end}): wait for the next epoch proof`);
    const block = this.headers.get(height) ?? (await this.client.verifyHeader(this.proven!, height).catch((err: unknown) => {
      throw err instanceof LightClientError && err.code === 'E_LIGHT_HEADER' ? new LightClientError('E_LIGHT_TX', `block ${height} is not signed by the proven set (older than the proven epoch): ${err.message}`) : err;
    }));
    if (res.hashes[res.index] !== hash.toLowerCase()) throw new LightClientError('E_LIGHT_TX', 'the inclusion answer does not hold this transaction at its index');
    if (!equalBytes(merkleRoot(res.hashes.map(fromHex)), block.txRoot)) throw new LightClientError('E_LIGHT_TX', `the transactions served for block ${height} are not the ones its header commits to`);
    return { head: block, height, index: res.index };
  }

  private schedule(): void {
    if (!this.stopped) this.timer = setTimeout(() => void this.follow(), this.o.pollMs ?? 1000);
  }

  /** One follow step: verify the newest header the proven set signs, and a newer epoch proof once the chain is past its boundary. */
  private async follow(): Promise<void> {
    try {
      const tip = await this.client.tipHeight();
      const boundary = (this.proven!.epoch + 1n) * this.client.epochLength;
      if (tip > boundary && Date.now() >= this.nextEpochCheck) await this.advanceEpoch();
      const target = await this.client.lastSignedHeight(this.proven!.epoch);
      if (target > this.latest!.height) this.accept(await this.client.verifyHeader(this.proven!, target));
      if (!this.connected) this.progress('sources reachable again');
      this.connected = true;
    } catch (err) {
      if (this.connected) this.progress(`following paused: ${(err as Error).message}`, { code: (err as { code?: string }).code });
      this.connected = false;
    }
    this.schedule();
  }

  private async advanceEpoch(): Promise<void> {
    this.nextEpochCheck = Date.now() + EPOCH_RETRY_MS;
    const next = await this.client.verifyEpoch();
    if (next.epoch <= this.proven!.epoch) return;
    this.proven = next;
    this.progress('epoch proof verified', { epoch: next.epoch.toString() });
  }

  private accept(h: Head): void {
    this.latest = h;
    this.headers.set(h.height, h);
    if (this.headers.size > KEEP_HEADERS) this.headers.delete(this.headers.keys().next().value!);
    this.o.onHead?.(h);
  }

  private progress(msg: string, fields?: Record<string, unknown>): void {
    this.o.onProgress?.(msg, fields);
  }
}
