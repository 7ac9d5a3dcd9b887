/**
 * Proof-market state (docs/market.md): parameters, registered circuits, prover bonds and
 * reputation, standing asks, proof requests with their escrow and lock, fill commitments, capacity
 * offers and reservations, and a short-lived cache of proofs for identical requests.
 */
import { array, bool, bytes, nullable, struct, text, u64, uint, type Infer } from '../../../protocol/encoding/schema.ts';
import { NO_ID, record } from '../../state/record.ts';
import type { StateReader } from '../../state/view.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { concatBytes } from '../../../protocol/encoding/bytes.ts';
import { inputsSchema, proofField, signalsField } from '../../../protocol/messages/market.ts';
import { moduleAddress } from '../staking/state.ts';

export const PPM = 1_000_000n;
/** Holds requesters' escrow, fillers' pending shares of slashed collateral, reservation payments. */
export const MARKET_ESCROW = moduleAddress('market/escrow');
/** Holds provers' bonds (collateral). */
export const MARKET_BONDS = moduleAddress('market/bonds');

export const marketParamsSchema = struct({
  bondUnbondingBlocks: u64,
  /** Share of slashed collateral paid to whoever fills after the lock timed out, and to the requester (ppm); the rest is burned. */
  slashToFillerPpm: u64,
  slashToRequesterPpm: u64,
  /** Relisting multiplies maxPrice by this (ppm) until escalationCap. */
  escalationStepPpm: u64,
  /** How long a fulfilled (circuit, inputs) proof serves identical requests. */
  proofCacheBlocks: u64,
  maxOpenRequests: u64,
  maxDeadlineBlocks: u64,
  /** Burned from every payment (ppm, rounded up): wash trading to build reputation always costs. */
  marketFeePpm: u64,
  /** Bond a prover needs to post asks, lock or offer capacity (docs/market.md §invariants). */
  minProverBond: u64,
  /** A lock posts at least this share of its price as collateral, whatever the request asked (ppm). */
  minCollateralPpm: u64,
  /** ...and at least this much, so even a free request costs its staller something. */
  minLockCollateral: u64,
  /** Blocks after a lock in which its holder may decline it without a slash (it found no witness). */
  acceptWindowBlocks: u64,
  /** Burned from the request's escrow at each decline (ppm of the declined price): unprovable requests cost their requester. */
  declineFeePpm: u64,
  /** After this many declines the request is cancelled and what is left of its escrow refunded. */
  maxDeclines: u64,
});
export type MarketParams = Infer<typeof marketParamsSchema>;
export const marketParams = record('params/market', marketParamsSchema);

export const DEFAULT_MARKET_PARAMS: MarketParams = {
  bondUnbondingBlocks: 50n,
  slashToFillerPpm: 400_000n,
  slashToRequesterPpm: 400_000n,
  escalationStepPpm: 1_500_000n,
  proofCacheBlocks: 1_000n,
  maxOpenRequests: 10_000n,
  maxDeadlineBlocks: 10_000n,
  marketFeePpm: 10_000n,
  minProverBond: 1_000_000n,
  minCollateralPpm: 500_000n,
  minLockCollateral: 10_000n,
  acceptWindowBlocks: 5n,
  declineFeePpm: 100_000n,
  maxDeclines: 3n,
};


export const circuitSchema = struct({
  name: text(64),
  /** Canonical verification key (puzzle/circuit.ts canonicalVk). */
  vk: bytes({ max: 16_384 }),
  wasmHash: bytes({ len: 32 }),
  zkeyHash: bytes({ len: 32 }),
  nOutputs: uint(64),
  /** Public input signal names in order (they follow the outputs in the public signals). */
  publicInputs: array(text(64), 64),
  owner: bytes({ len: 20 }),
  registeredAt: u64,
});
export type CircuitRecord = Infer<typeof circuitSchema>;
export const circuits = record('market/circuit', circuitSchema);
export const circuitList = record('market/circuits', struct({ ids: array(bytes({ len: 32 }), 1 << 16) }));

/** Withdrawals unbonding at once per prover or delegation; those releasing at the same height are one. */
export const MAX_UNBONDING = 64;

/**
 * `list` with `entry` merged in: its amount added to the entry `same` picks, or appended; null when
 * appending would pass `max` (unbonding lists and queues, owed shares).
 */
export function mergeAmount<T extends { amount: bigint }>(list: readonly T[], same: (e: T) => boolean, entry: T, max = Number.MAX_SAFE_INTEGER): T[] | null {
  const i = list.findIndex(same);
  if (i >= 0) return list.map((e, j) => (j === i ? { ...e, amount: e.amount + entry.amount } : e));
  return list.length < max ? [...list, entry] : null;
}

/** `list` with `amount` released at `releaseAt` added (merged with an entry of that height). */
export function addUnbonding(list: Array<{ amount: bigint; releaseAt: bigint }>, amount: bigint, releaseAt: bigint): Array<{ amount: bigint; releaseAt: bigint }> {
  const merged = mergeAmount(list, (u) => u.releaseAt === releaseAt, { amount, releaseAt }, MAX_UNBONDING);
  if (!merged) throw new QuarryError('E_INVALID_MSG', `at most ${MAX_UNBONDING} withdrawals may be unbonding at once; wait for one to complete`);
  return merged;
}

export const proverSchema = struct({
  /** The prover's own collateral. */
  bond: u64,
  /** Collateral its delegators put behind it (docs/market.md §delegation); bond + delegated is its stake. */
  delegated: u64,
  /** Collateral committed to open locks and capacity offers: never above the stake. */
  locked: u64,
  unbonding: array(struct({ amount: u64, releaseAt: u64 }), MAX_UNBONDING),
  locks: u64,
  onTime: u64,
  late: u64,
  slashed: u64,
  /** Sum of the prices of its locks, and of those it delivered on time (reputation weighs by price). */
  lockedValue: u64,
  onTimeValue: u64,
});
export type Prover = Infer<typeof proverSchema>;
export const provers = record('market/prover', proverSchema);
export const proverList = record('market/provers', struct({ addresses: array(bytes({ len: 20 }), 1 << 16) }));

export const askSchema = struct({ price: u64, maxTurnaround: u64, capacity: u64, active: u64, createdAt: u64 });
export type Ask = Infer<typeof askSchema>;
export const asks = record('market/ask', askSchema);
/** Provers with an ask per circuit, for matching. */
export const askers = record('market/askers', struct({ provers: array(bytes({ len: 20 }), 1 << 16) }));
export const askId = (prover: Uint8Array, circuitId: Uint8Array) => concatBytes(prover, circuitId);

export const lockSchema = struct({
  prover: bytes({ len: 20 }),
  price: u64,
  lockedAt: u64,
  expiresAt: u64,
  collateral: u64,
  viaAsk: bool,
  /** A sealed request's turnaround, which starts when the requester seals (0 once sealed, and for unsealed requests), docs/market.md §sealed. */
  awaitingSeal: u64,
  sealedAt: u64,
});
export type Lock = Infer<typeof lockSchema>;
/** A lock as its makers describe it; lockRequest adds the seal fields. */
export type NewLock = Omit<Lock, 'awaitingSeal' | 'sealedAt'>;

/** Distinct missed provers' delegators a request can owe; a miss beyond them expires it (docs/market.md §delegation). */
export const MAX_OWED = 16;

/** Who proves a request (docs/market.md §selection): the order book, one prover drawn by stake, or a race of bonded provers. */
export type SelectionMode = 'book' | 'stake' | 'race';

/** The public input a race circuit binds each proof to its prover with (the prover's address as a field element). */
export const PROVER_INPUT = 'prover';
/** Provers that may commit to one race (docs/market.md §race). */
export const MAX_RACERS = 32;
export const MAX_RACE_WINNERS = 16n;

export type RequestStatus = 'open' | 'locked' | 'open-fill' | 'race' | 'fulfilled' | 'expired' | 'cancelled';
export const requestSchema = struct({
  requester: bytes({ len: 20 }),
  circuitId: bytes({ len: 32 }),
  inputs: inputsSchema,
  minPrice: u64,
  maxPrice: u64,
  rampBlocks: u64,
  lockBlocks: u64,
  /** Absolute height after which the request can no longer be filled (before relisting). */
  deadline: u64,
  collateral: u64,
  minReputationPpm: u64,
  escalationCap: u64,
  /** uqry held for this request in MARKET_ESCROW (the requester's funds, plus a filler's share). */
  escrow: u64,
  fillerReward: u64,
  createdAt: u64,
  listedAt: u64,
  status: text(16),
  lock: nullable(lockSchema),
  reservation: nullable(bytes({ len: 32 })),
  filledBy: nullable(bytes({ len: 20 })),
  paid: u64,
  relists: u64,
  /** Provers that declined it: never matched to it again (docs/market.md §declines). */
  declinedBy: array(bytes({ len: 20 }), 16),
  /** Delegators' shares of missed locks' pay, owed from the fill's pay (docs/market.md §delegation). */
  owedTo: array(struct({ prover: bytes({ len: 20 }), amount: u64 }), MAX_OWED),
  mode: text(8),
  /** Stake mode: the height whose end of block draws its prover (0: none scheduled). */
  drawAt: u64,
  /** Race mode: how many valid proofs share the price, and the provers committed so far, in commit order. */
  winners: u64,
  racers: array(struct({ prover: bytes({ len: 20 }), collateral: u64, revealed: bool }), MAX_RACERS),
  /** Sealed private inputs: the commitment H(inputs ‖ salt) the locked prover checks them against (docs/market.md §sealed). */
  sealed: nullable(bytes({ len: 32 })),
});
export type ProofRequest = Omit<Infer<typeof requestSchema>, 'status' | 'mode'> & { status: RequestStatus; mode: SelectionMode };
/** What a request owes the delegators of provers that missed it, in total. */
export const owedTotal = (r: Pick<ProofRequest, 'owedTo'>): bigint => r.owedTo.reduce((sum, o) => sum + o.amount, 0n);
export const requests = record('market/request', requestSchema);

/** A prover's X25519 key, which sealed inputs are encrypted to (docs/market.md §sealed). */
export const proverKeys = record('market/prover-key', struct({ key: bytes({ len: 32 }) }));
/** The current lock's sealed inputs, per request. */
export const MAX_SEAL_BYTES = 65_536;
export const seals = record('market/seal', struct({ ephemeralKey: bytes({ len: 32 }), nonce: bytes({ len: 24 }), ciphertext: bytes({ max: MAX_SEAL_BYTES }) }));

export const unbondQueue = record('market/unbond-queue', struct({ entries: array(struct({ prover: bytes({ len: 20 }), amount: u64 }), 1 << 16) }));

export const fillCommits = record('market/fill-commit', struct({ commitment: bytes({ len: 32 }), height: u64 }));

/** A fulfilled statement's proof, its prover and the price it was paid (what a cache hit pays again). */
export const proofCache = record('market/proof-cache', struct({ proof: proofField, publicSignals: signalsField, prover: bytes({ len: 20 }), height: u64, price: u64 }));
/** The fulfilled proof of each request (what requesters download). */
export const requestProofs = record('market/request-proof', struct({ proof: proofField, publicSignals: signalsField }));

export const offerSchema = struct({ prover: bytes({ len: 20 }), circuitId: bytes({ len: 32 }), remaining: u64, price: u64, turnaround: u64, endHeight: u64, collateralPerProof: u64 });
export type CapacityOffer = Infer<typeof offerSchema>;
export const offers = record('market/offer', offerSchema);
export const reservationSchema = struct({ buyer: bytes({ len: 20 }), offerId: bytes({ len: 32 }), prover: bytes({ len: 20 }), circuitId: bytes({ len: 32 }), remaining: u64, price: u64, turnaround: u64, endHeight: u64, collateralPerProof: u64 });
export type Reservation = Infer<typeof reservationSchema>;
export const reservations = record('market/reservation', reservationSchema);
/** Offers and reservations to settle when they end (by end height). */
export const expiring = record('market/expiring', struct({ offers: array(bytes({ len: 32 }), 1 << 16), reservations: array(bytes({ len: 32 }), 1 << 16) }));

export async function getMarketParams(state: StateReader): Promise<MarketParams> {
  const p = await marketParams.get(state, NO_ID);
  if (!p) throw new Error('market parameters missing from state');
  return p;
}

export async function requireCircuit(state: StateReader, id: Uint8Array): Promise<CircuitRecord> {
  const c = await circuits.get(state, id);
  if (!c) throw new QuarryError('E_NOT_FOUND', 'unknown circuit');
  return c;
}

export async function getRequest(state: StateReader, id: Uint8Array): Promise<ProofRequest> {
  const r = await requests.get(state, id);
  if (!r) throw new QuarryError('E_NOT_FOUND', 'unknown proof request');
  return r as ProofRequest;
}

export const EMPTY_PROVER: Prover = { bond: 0n, delegated: 0n, locked: 0n, unbonding: [], locks: 0n, onTime: 0n, late: 0n, slashed: 0n, lockedValue: 0n, onTimeValue: 0n };

/** Bond plus delegations: what backs the prover's locks and weighs its selection. */
export const stakeOf = (p: Prover): bigint => p.bond + p.delegated;
/** Stake not committed to locks or offers: what a new lock, an offer or a withdrawal may take. */
export const freeCollateral = (p: Prover): bigint => stakeOf(p) - p.locked;

export async function getProver(state: StateReader, address: Uint8Array): Promise<Prover> {
  return (await provers.get(state, address)) ?? EMPTY_PROVER;
}

/** A prover's record, refused unless its bond reaches the protocol minimum (asks, locks, offers). */
export async function requireProverBond(state: StateReader, address: Uint8Array, params: MarketParams): Promise<Prover> {
  const p = await getProver(state, address);
  if (p.bond < params.minProverBond) throw new QuarryError('E_INSUFFICIENT_FUNDS', `bond ${p.bond} uqry is below the protocol minimum ${params.minProverBond} (market/bond first)`);
  return p;
}

/**
 * Pessimistic prior of the reputation ratio, in uqry of locked value (docs/market.md §reputation):
 * a fresh address starts at 0, never ahead of a prover with a poor record.
 */
export const REPUTATION_PRIOR_VALUE = 10_000_000n;

/**
 * Price-weighted on-time ratio in ppm, `onTimeValue / (lockedValue + prior)`: free or tiny fills
 * add next to nothing, and each uqry of fills costs its burned fee, so reputation cannot be bought
 * cheaply; a new address starts at 0, so it cannot be shed by moving either.
 */
export function reputationPpm(p: Prover): bigint {
  return (p.onTimeValue * PPM) / (p.lockedValue + REPUTATION_PRIOR_VALUE);
}
