/**
 * JSON shapes of the node's RPC answers (docs/rpc.md): integers are decimal strings, bytes hex,
 * addresses qry1…. The node's routes are checked against these types (`satisfies`), and the SDK
 * returns them.
 */
import type { TxBody } from './tx.ts';

/** The consensus engine's step in its round; `commit` once the height is decided and its block is being committed. */
export type ConsensusStep = 'propose' | 'prevote' | 'precommit' | 'commit';

/*
 * Fields marked "since the operator view" were added later (issue #14): older nodes leave them
 * out, so they are optional here and readers show "—" without them.
 */
export interface Status {
  chainId: string;
  genesisHash: string;
  height: string;
  latestBlockHash: string;
  latestBlockTime: string;
  validator: boolean;
  /** `step`: since the operator view. */
  consensus: { height: string; round: number; step?: ConsensusStep } | null;
  mempool: { txs: number; bytes: number };
  /** Operator address of the active validator whose BLS key this node signs with; null for a full node or one outside the set (since the operator view). */
  validatorAddress?: string | null;
}

export interface TxJson {
  hash: string;
  sender: string;
  size: number;
  body: JsonOf<TxBody>;
  signature: string;
}

export interface ReceiptJson {
  code: string;
  log: string;
  events: Array<Record<string, unknown> & { type: string }>;
}

/**
 * A commit certificate: bit i of `signers` (LSB first within each byte) is set when validator i of
 * the height's set signed. Like every 20-byte value, a 20-byte bitmap (a set of 153–160) is
 * written as a qry1… address.
 */
export interface CommitJson {
  height: string;
  round: number;
  blockHash: string;
  signers: string;
  signature: string;
}

export interface BlockJson {
  hash: string;
  header: { height: string; time: string; proposer: string; stateRoot: string; [k: string]: unknown };
  txs: Array<TxJson & { result: ReceiptJson | null }>;
  /** The previous block's commit, with the precommits collected until this block was proposed (null in block 1). */
  lastCommit: CommitJson | null;
  [k: string]: unknown;
}

export interface TxResponse {
  hash: string;
  height: string;
  index: number;
  result: ReceiptJson;
  status: 'committed';
  body: TxJson['body'];
}

/** `GET /txs?sender=…` (newest first) or `GET /txs?height=N` (block order). */
export interface TxSearchResponse {
  txs: TxResponse[];
  /** Sender search only: `before` for the next page, null when there is nothing older. */
  next?: string | null;
}

export interface Account {
  address: string;
  height: string;
  balance: string;
  sequence: string;
}

export interface StakingValidator {
  operator: string;
  moniker: string;
  blsPubKey: string;
  tokens: string;
  commissionPpm: string;
  commissionOwed: string;
  active: boolean;
  votingPower: string;
  jailed: boolean;
  jailedUntil: string;
  tombstoned: boolean;
  missedBlocks: string;
  delegators: number;
}

export interface Delegation {
  validator: string;
  shares: string;
  tokens: string;
  pendingRewards: string;
}

export interface PuzzleState {
  height: string;
  epoch: string;
  epochEndsAfter: string;
  challenge: string;
  coinbaseTarget: string;
  proofTarget: string;
  circuit: string;
  circuitId: string;
  proverReward: string;
  maxSolutionsPerBlock: string;
  pending: number;
}

export interface MarketRequest {
  id: string;
  requester: string;
  circuitId: string;
  inputs: Array<{ name: string; values: string[] }>;
  minPrice: string;
  maxPrice: string;
  deadline: string;
  collateral: string;
  status: 'open' | 'locked' | 'open-fill' | 'race' | 'fulfilled' | 'expired' | 'cancelled';
  /** `awaitingSeal`: a sealed lock's turnaround, waiting for the requester's seal (0 once sealed or when not sealed); `sealedAt`: the seal's height. */
  lock: { prover: string; price: string; lockedAt: string; expiresAt: string; collateral: string; viaAsk: boolean; awaitingSeal: string; sealedAt: string } | null;
  /** The height it was (re)listed at and its lock blocks (a race's commit window ends at their sum). */
  listedAt: string;
  lockBlocks: string;
  filledBy: string | null;
  paid: string;
  relists: string;
  /** Provers that declined it within their accept window (docs/market.md §declines). */
  declinedBy: string[];
  /** How its prover is chosen (docs/market.md §selection); a stake-mode request's next draw height (0: none). */
  mode: 'book' | 'stake' | 'race';
  drawAt: string;
  /** Race mode: proofs that share the price, and the committed provers in commit order. */
  winners: string;
  racers: Array<{ prover: string; collateral: string; revealed: boolean }>;
  /** H(private inputs ‖ salt) of a sealed request (hex), null when its inputs are all in the clear (docs/market.md §sealed). */
  sealed: string | null;
  /** Owed from the fill's pay to the delegators of provers that missed it (docs/market.md §delegation). */
  owedTo: Array<{ prover: string; amount: string }>;
  currentPrice: string | null;
  proof?: { proof: string; publicSignals: string[] } | null;
  [k: string]: unknown;
}

export interface MarketAsk {
  circuit: string;
  prover: string;
  price: string;
  maxTurnaround: string;
  capacity: string;
  active: string;
  reputationPpm: string;
  /** The prover's stake (bond + delegations), its commission (null: closed to delegation) and delegators. */
  stake: string;
  commissionPpm: string | null;
  delegators: string;
}

export interface MarketProver {
  address: string;
  /** Its own collateral; `delegated` is what delegators put behind it; `stake` is both (docs/market.md §delegation). */
  bond: string;
  delegated: string;
  stake: string;
  /** Stake not committed to locks or offers. */
  freeCollateral: string;
  locked: string;
  unbonding: Array<{ amount: string; releaseAt: string }>;
  locks: string;
  onTime: string;
  late: string;
  slashed: string;
  /** Sums of lock prices and of those delivered on time (reputation weighs by price, docs/market.md §reputation). */
  lockedValue: string;
  onTimeValue: string;
  reputationPpm: string;
  /** The X25519 key sealed inputs are encrypted to (market/prover-key), hex; null until published. */
  encryptionKey: string | null;
  /** Null until the prover opens itself to delegation (market/edit-prover). */
  delegation: {
    /** In force at the next height; a raise waits until `nextCommissionAt`. */
    commissionPpm: string;
    nextCommissionPpm: string;
    nextCommissionAt: string;
    delegators: string;
  } | null;
}

/** GET /market/provers/:address/delegations[/:delegator]: a delegation to a prover; amounts in uqry. */
export interface ProverDelegationView {
  delegator: string;
  prover: string;
  shares: string;
  /** What the shares are worth now (slashes lower it). */
  tokens: string;
  pendingRewards: string;
  unbonding: Array<{ amount: string; releaseAt: string }>;
}

/** GET /market/totals: the market since genesis (docs/market.md §totals); amounts in uqry. */
export interface MarketTotals {
  requests: string;
  fulfilled: string;
  onTime: string;
  fromCache: string;
  slashes: string;
  declines: string;
  expired: string;
  cancelled: string;
  paid: string;
  slashedCollateral: string;
}

/** GET /market/requests/:id/seal: the current lock's sealed inputs (hex), docs/market.md §sealed. */
export interface SealView {
  ephemeralKey: string;
  nonce: string;
  ciphertext: string;
}

/**
 * GET /market/blocks/:height/proofs?circuit=: the proofs a block's fills delivered for one circuit,
 * with the canonical key, and a seed for the batch's weights (ρᵢ = the first 16 bytes of
 * SHA-256(seed ‖ u32be(i)) + 1), docs/market.md §verification.
 */
export interface BlockProofs {
  height: string;
  blockHash: string;
  circuit: string;
  vk: string;
  seed: string;
  proofs: Array<{ request: string; proof: string; publicSignals: string[] }>;
}

export interface MarketCircuit {
  id: string;
  name: string;
  wasmHash: string;
  zkeyHash: string;
  nOutputs: number;
  publicInputs: string[];
  nPublic: number;
  owner: string;
  registeredAt: string;
}

export interface NetInfo {
  peerId: string | null;
  listen: string[];
  peers: string[];
  syncing: boolean;
  bestKnownHeight: string;
  /** The connection limit (p2p.maxPeers), null without p2p (since the operator view). */
  maxPeers?: number | null;
  /** Each connected peer's height as the block syncer last heard it in a status exchange (since the operator view). */
  peerHeights?: Record<string, string>;
}

export interface MempoolInfo {
  txs: number;
  bytes: number;
  entries: Array<{ hash: string; sender: string; sequence: string; fee: string; weight: string }>;
  /** Transactions refused since the node started, by error code, from RPC and peers alike (since the operator view). */
  rejected?: Record<string, number>;
}

/** `GET /validators`: the active set for the next height, in canonical order, with the proposer priorities of its round 0. */
export interface ActiveSetJson {
  height: string;
  totalPower: string;
  setHash: string;
  validators: Array<{ address: string; blsPubKey: string; power: string; proposerPriority: string }>;
}

/** `GET /epochs/current`. */
export interface EpochInfo {
  /** The next block's epoch. */
  epoch: string;
  epochLength: string;
  /** Highest epoch with a stored proof, or null. */
  provenEpoch: string | null;
}

/** Messages on the WebSocket event stream, by `type`. */
export type ChainEventJson =
  | { type: 'block'; height: string; hash: string; time: string; txs: number; proposer: string }
  | { type: 'tx'; hash: string; height: string; sender: string; result: ReceiptJson }
  | { type: 'solution'; id: string; address: string; reward: string; height: string; [k: string]: unknown }
  | { type: 'market'; event: string; height: string; request?: string; prover?: string; price?: string; [k: string]: unknown }
  | { type: 'pending-tx'; hash: string; sender: string }
  | { type: 'pending-solution'; id: string; address: string; nonce: string; epoch: string };

export type EventType = ChainEventJson['type'];

/** The JSON form of a protocol value: integers as decimal strings, bytes as hex (20-byte ones as qry1… addresses). */
export type JsonOf<T> = T extends bigint | Uint8Array
  ? string
  : T extends readonly (infer U)[]
    ? JsonOf<U>[]
    : T extends object
      ? { [K in keyof T]: JsonOf<T[K]> }
      : T;

export interface ChainParamsJson {
  minFeeRate: string;
  maxTxBytes: string;
  maxBlockBytes: string;
  maxBlockTxs: string;
  maxBlockWeight: string;
  blockReward: string;
  epochLength: string;
}

/** `GET /params`: the chain, staking and market parameters in force at the head. */
export interface ParamsResponse {
  chain: ChainParamsJson;
  staking: Record<string, string>;
  market: Record<string, string>;
}
