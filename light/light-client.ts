/**
 * The light client (docs/epochs.md §light client): checks Quarry's state from genesis with one
 * recursive proof, one commit certificate and one Merkle proof instead of replaying the chain.
 *
 * 1. the latest epoch proof verifies under a trusted verification key, and its genesis identity
 *    is the one this genesis file implies (so it descends from this genesis);
 * 2. the epoch's validator set, fetched from the node, hashes to the proven commitment;
 * 3. a header of that epoch carries a commit certificate signed by more than 2/3 of that set, and
 *    names that set, and is no older than the trusting period;
 * 4. the account's SMT proof connects its record to that header's state root.
 *
 * Freshness: the client asks every source it is given for its newest epoch proof and verifies the
 * highest first (falling back to the next when one fails), so one node serving an old but valid
 * proof is outvoted by any honest source; and it refuses a verified header older than `maxAgeMs`
 * (E_LIGHT_STALE), so a client left with only stale sources says so instead of answering from the
 * past (docs/epochs.md §freshness).
 *
 * Trust model: consensus, not execution. A light client believes what more than 2/3 of the stake
 * signed, as CometBFT light clients and Ethereum sync committees do; it does not re-execute blocks.
 * The header checked is the last one the proven set signs: the tip while the proofs keep up,
 * otherwise the last block of the proven epoch (and then the trusting period decides).
 */
import { RpcClient } from '../client/rpc.ts';
import { QuarryClientError } from '../client/errors.ts';
import { verifyAccountProof, type AccountProofJson } from '../client/account-proof.ts';
import { decodeAs } from '../protocol/encoding/cbor.ts';
import { fromHex, toHex, equalBytes } from '../protocol/encoding/bytes.ts';
import { headerHash, headerSchema, type Header } from '../node/types/block.ts';
import { commitSchema } from '../consensus/messages.ts';
import { verifyCommit } from '../consensus/commit.ts';
import { ValidatorSet } from '../consensus/validator-set.ts';
import { genesisHash, type Genesis } from '../node/genesis.ts';
import { genesisId, setCommitment } from '../consensus/epoch/commitment.ts';
import { epochOutput, epochProofFault, type EpochProofJson, type VerificationKey } from '../consensus/epoch/program.ts';
import { epochViewFromJson, type EpochViewJson } from '../node/modules/epoch/view.ts';

export type LightErrorCode = 'E_LIGHT_VK' | 'E_LIGHT_PROOF' | 'E_LIGHT_GENESIS' | 'E_LIGHT_VALSET' | 'E_LIGHT_HEADER' | 'E_LIGHT_COMMIT' | 'E_LIGHT_EXPIRED' | 'E_LIGHT_STALE' | 'E_LIGHT_ACCOUNT' | 'E_LIGHT_STATE' | 'E_LIGHT_TX';

/** A check that failed: `code` says which, the message why. Nothing of the answer is returned. */
export class LightClientError extends QuarryClientError {
  constructor(code: LightErrorCode, message: string) {
    super(code, message);
    this.name = 'LightClientError';
  }
}

export interface LightClientOptions {
  rpcUrl: string;
  /** More RPC endpoints (untrusted) asked for their newest epoch proof; the highest that verifies wins. */
  sources?: string[];
  /** Refuse a verified header older than this (ms): the stale-proof bound; default one hour. */
  maxAgeMs?: number;
  genesis: Genesis;
  /** Hash of the epoch program's verification key the client trusts (pinned, never taken from the node). */
  trustedVkHash: string;
  /** Refuse headers older than this (ms); default two weeks. */
  trustingPeriodMs?: number;
  now?: () => number;
  /** Where the proof system's SRS and Lagrange bases are cached (the first verification computes them: ≈ 1 min). */
  cacheDir?: string;
}

export interface VerifiedHeader {
  epoch: bigint;
  height: bigint;
  hash: string;
  stateRoot: Uint8Array;
  txRoot: Uint8Array;
  time: bigint;
  /** Milliseconds each step took. */
  timings: Record<string, number>;
}

/** An epoch whose proof verified, with the validator set it commits to. */
export interface ProvenEpoch {
  epoch: bigint;
  commitment: bigint;
  set: ValidatorSet;
}

interface StoredProof {
  epoch: string;
  vk: VerificationKey;
  proof: EpochProofJson;
}

const TWO_WEEKS_MS = 14 * 24 * 3600 * 1000;
const ONE_HOUR_MS = 3600 * 1000;

export class LightClient {
  private readonly sources: RpcClient[];
  /** The source whose epoch proof was verified: the later steps ask it. */
  private rpc: RpcClient;
  constructor(private readonly o: LightClientOptions) {
    this.sources = [o.rpcUrl, ...(o.sources ?? [])].map((url) => new RpcClient(url, 30_000));
    this.rpc = this.sources[0]!;
  }

  /** The source the verified proof came from (later steps ask it). */
  get sourceUrl(): string {
    return this.rpc.baseUrl;
  }

  /** Steps 1–2: the newest epoch proof that verifies among the sources, and its validator set. */
  async verifyEpoch(): Promise<ProvenEpoch> {
    const { epoch, commitment } = await this.checkEpochProof();
    return { epoch, commitment, set: await this.checkValidatorSet(epoch, commitment) };
  }

  /**
   * Step 3 for a given height (default: the newest the proven set signs): the header, signed by
   * more than 2/3 of the proven set and naming it, within the trusting period. The freshness
   * bound is `checkFresh`'s (a tx's block may be old; the state answered from must not be).
   */
  async verifyHeader(proven: ProvenEpoch, height?: bigint): Promise<Omit<VerifiedHeader, 'timings'>> {
    return { ...(await this.checkHeader(proven.epoch, proven.set, height)), epoch: proven.epoch };
  }

  /** E_LIGHT_STALE when a verified header is older than the freshness bound. */
  checkFresh(h: Pick<VerifiedHeader, 'height' | 'epoch' | 'time'>): void {
    const age = (this.o.now ?? Date.now)() - Number(h.time);
    const bound = this.o.maxAgeMs ?? ONE_HOUR_MS;
    if (age > bound) throw new LightClientError('E_LIGHT_STALE', `the newest verified header (height ${h.height}, epoch ${h.epoch}) is ${Math.round(age / 1000)} s old, over the ${Math.round(bound / 1000)} s freshness bound: every source is behind or serves an old proof`);
  }

  get epochLength(): bigint {
    return this.o.genesis.params.chain.epochLength;
  }

  /** A GET to the source whose proof verified (its answers are checked by the caller). */
  fetch<T>(path: string): Promise<T> {
    return this.rpc.get<T>(path);
  }

  /** The tip height the chosen source reports (untrusted: only a hint of what to verify next). */
  async tipHeight(): Promise<bigint> {
    return BigInt((await this.rpc.get<{ height: string }>('/status')).height);
  }

  /** Steps 1–3: the latest header the proven validator set finalized. */
  async verifyHead(): Promise<VerifiedHeader> {
    const timings: Record<string, number> = {};
    const step = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await f();
      } finally {
        timings[name] = Math.round(performance.now() - t0);
      }
    };
    const { epoch, commitment } = await step('epochProof', () => this.checkEpochProof());
    const members = await step('validatorSet', () => this.checkValidatorSet(epoch, commitment));
    const header = await step('commit', () => this.checkHeader(epoch, members));
    this.checkFresh({ ...header, epoch });
    return { ...header, epoch, timings };
  }

  /** Steps 1–4: an account's balance and sequence, proven against a finalized header. */
  async verifyAccount(address: string): Promise<VerifiedHeader & { address: string; balance: bigint; sequence: bigint }> {
    const head = await this.verifyHead();
    const t0 = performance.now();
    const a = await this.accountAt(head, address);
    head.timings.account = Math.round(performance.now() - t0);
    return { ...head, ...a };
  }

  /** Step 4 against a header already verified: the account's record, proven in its state root. */
  async accountAt(head: Pick<VerifiedHeader, 'height' | 'hash' | 'stateRoot'>, address: string): Promise<{ address: string; balance: bigint; sequence: bigint }> {
    const a = await this.rpc.get<AccountProofJson>(`/accounts/${address}?prove=true&height=${head.height}`);
    const root = toHex(head.stateRoot);
    if (a.height !== head.height.toString()) throw new LightClientError('E_LIGHT_ACCOUNT', `the node answered for height ${a.height}, not ${head.height}`);
    const verdict = verifyAccountProof({ ...a, header: { stateRoot: root, height: head.height.toString(), hash: head.hash }, genesis: undefined });
    if (!verdict.ok) throw new LightClientError('E_LIGHT_ACCOUNT', `account proof rejected: ${verdict.reason}`);
    return { address, balance: BigInt(a.balance), sequence: BigInt(a.sequence) };
  }

  /**
   * Every source's newest proof, highest epoch first; the first that passes every check is used
   * and its source answers the later steps. With every candidate refused, the highest one's
   * refusal is the answer; with no source answering, the first source's error.
   */
  private async checkEpochProof(): Promise<{ epoch: bigint; commitment: bigint }> {
    const answers = await Promise.all(this.sources.map((rpc) => rpc.get<StoredProof>('/epoch-proofs/latest').then((stored) => ({ rpc, stored }), (err: unknown) => ({ rpc, err }))));
    const offered = answers.flatMap((a) => ('stored' in a ? [{ ...a, epoch: claimedEpoch(a.stored) }] : [])).sort((x, y) => (x.epoch === y.epoch ? 0 : x.epoch > y.epoch ? -1 : 1));
    if (offered.length === 0) throw (answers[0] as { err: unknown }).err;
    let refusal: unknown = null;
    for (const { rpc, stored } of offered) {
      try {
        const out = await this.checkProof(stored);
        this.rpc = rpc;
        return out;
      } catch (err) {
        refusal ??= err;
      }
    }
    throw refusal;
  }

  private async checkProof(stored: StoredProof): Promise<{ epoch: bigint; commitment: bigint }> {
    if (stored.vk?.hash !== this.o.trustedVkHash) throw new LightClientError('E_LIGHT_VK', `the proof's verification key ${String(stored.vk?.hash).slice(0, 16)}… is not the trusted one ${this.o.trustedVkHash.slice(0, 16)}…`);
    let out;
    try {
      out = epochOutput(stored.proof);
    } catch (err) {
      throw new LightClientError('E_LIGHT_PROOF', (err as Error).message);
    }
    // the cheap checks first: a proof of another chain is refused before the verifier runs
    const g = this.o.genesis;
    const members = g.validators.map((v) => ({ address: v.address, blsPubKey: v.blsPubKey, pallasPubKey: v.pallasPubKey, power: v.power }));
    const expected = await genesisId(genesisHash(g), await setCommitment(members, Number(g.params.staking.maxValidators)));
    if (out.genesisId !== expected) throw new LightClientError('E_LIGHT_GENESIS', 'the epoch proof descends from another genesis');
    const fault = await epochProofFault(stored.proof, stored.vk, this.o.cacheDir);
    if (fault === 'key') throw new LightClientError('E_LIGHT_VK', `the verification key's data is not the key its hash ${stored.vk.hash.slice(0, 16)}… names`);
    if (fault === 'proof') throw new LightClientError('E_LIGHT_PROOF', `the proof of epoch ${out.epoch} does not verify`);
    return out;
  }

  private async checkValidatorSet(epoch: bigint, commitment: bigint): Promise<ValidatorSet> {
    const view = epochViewFromJson(await this.rpc.get<EpochViewJson>(`/epochs/${epoch}`));
    if (view.epoch !== epoch || (await setCommitment(view.members, Number(this.o.genesis.params.staking.maxValidators))) !== commitment) {
      throw new LightClientError('E_LIGHT_VALSET', `the validator set served for epoch ${epoch} is not the one the proof commits to`);
    }
    return new ValidatorSet(view.members.map(({ address, blsPubKey, power }) => ({ address, blsPubKey, power })));
  }

  /** The newest height the proven set of `epoch` signs: the tip, or the epoch's boundary block once the chain is past it. */
  async lastSignedHeight(epoch: bigint): Promise<bigint> {
    const tip = await this.tipHeight();
    const lastOfEpoch = (epoch + 1n) * this.o.genesis.params.chain.epochLength;
    const height = tip < lastOfEpoch ? tip : lastOfEpoch; // the boundary block is still the proven set's
    if (height <= epoch * this.o.genesis.params.chain.epochLength) throw new LightClientError('E_LIGHT_HEADER', `no committed block of epoch ${epoch} yet`);
    return height;
  }

  private async checkHeader(epoch: bigint, set: ValidatorSet, at?: bigint): Promise<Omit<VerifiedHeader, 'epoch' | 'timings'>> {
    const height = at ?? (await this.lastSignedHeight(epoch));
    const raw = await this.rpc.get<{ header: string; commit: string }>(`/headers/${height}`);
    let header: Header;
    try {
      header = decodeAs(headerSchema, fromHex(raw.header));
    } catch (err) {
      throw new LightClientError('E_LIGHT_HEADER', `undecodable header: ${(err as Error).message}`);
    }
    if (header.height !== height || header.chainId !== this.o.genesis.chainId) throw new LightClientError('E_LIGHT_HEADER', `the node served a header of another height or chain`);
    if (!equalBytes(header.validatorSetHash, set.hash)) throw new LightClientError('E_LIGHT_HEADER', `header ${height} names another validator set than epoch ${epoch}'s`);
    const hash = headerHash(header);
    try {
      verifyCommit(header.chainId, set, decodeAs(commitSchema, fromHex(raw.commit)), height, hash);
    } catch (err) {
      throw new LightClientError('E_LIGHT_COMMIT', `commit certificate of block ${height} rejected: ${(err as Error).message}`);
    }
    const age = (this.o.now ?? Date.now)() - Number(header.time);
    if (age > (this.o.trustingPeriodMs ?? TWO_WEEKS_MS)) throw new LightClientError('E_LIGHT_EXPIRED', `the newest verifiable header is ${Math.round(age / 1000)} s old, beyond the trusting period`);
    return { height, hash: toHex(hash), stateRoot: header.stateRoot, time: header.time, txRoot: header.txRoot };
  }
}

/** The epoch a proof claims (its public output), for ordering only: nothing is trusted before the checks. */
function claimedEpoch(stored: StoredProof): bigint {
  try {
    return epochOutput(stored.proof).epoch;
  } catch {
    return -1n;
  }
}
