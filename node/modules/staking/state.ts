/**
 * Staking state (docs/staking.md): parameters, validators, delegations, unbonding entries and the
 * module accounts that hold bonded stake and undistributed rewards.
 */
import { array, bigUint, bigUintBytes, bool, bytes, struct, text, u64, type Infer } from '../../../protocol/encoding/schema.ts';
import { NO_ID, record } from '../../state/record.ts';
import type { Overlay, StateReader } from '../../state/view.ts';
import { sha256 } from '../../crypto/hash.ts';
import { concatBytes, u64be, utf8 } from '../../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../../protocol/errors.ts';

export const PPM = 1_000_000n;

export const stakingParamsSchema = struct({
  minSelfBond: u64,
  maxValidators: u64,
  /** uqry of stake per unit of voting power. */
  powerReduction: u64,
  unbondingBlocks: u64,
  maxEvidenceAge: u64,
  downtimeWindow: u64,
  downtimeMaxMissed: u64,
  downtimeJailBlocks: u64,
  downtimeSlashPpm: u64,
  doubleSignSlashPpm: u64,
  proposerBonusPpm: u64,
  maxCommissionPpm: u64,
});
export type StakingParams = Infer<typeof stakingParamsSchema>;
export const stakingParams = record('params/staking', stakingParamsSchema);

export const DEFAULT_STAKING_PARAMS: StakingParams = {
  minSelfBond: 10_000_000n,
  maxValidators: 64n,
  powerReduction: 1_000_000n,
  unbondingBlocks: 200n,
  maxEvidenceAge: 200n,
  downtimeWindow: 100n,
  downtimeMaxMissed: 50n,
  downtimeJailBlocks: 20n,
  downtimeSlashPpm: 1_000n,
  doubleSignSlashPpm: 50_000n,
  proposerBonusPpm: 50_000n,
  maxCommissionPpm: 500_000n,
};

const validatorWire = struct({
  operator: bytes({ len: 20 }),
  blsPubKey: bytes({ len: 48 }),
  /** Pallas session key for epoch handoffs (docs/epochs.md §keys). */
  pallasPubKey: bytes({ len: 32 }),
  moniker: text(64),
  commissionPpm: u64,
  tokens: u64,
  shares: u64,
  rewardPerShare: bigUint,
  commissionOwed: u64,
  jailed: bool,
  jailedUntil: u64,
  tombstoned: bool,
  /** Missed-block window, one bit per height modulo downtimeWindow. */
  missedBits: bytes({ max: 8192 }),
  missedCount: u64,
});
export type Validator = Omit<Infer<typeof validatorWire>, 'rewardPerShare'> & { rewardPerShare: bigint };
const validators = record('staking/validator', validatorWire);
/** All validator operators ever created, in creation order (for deterministic iteration). */
export const validatorIndex = record('staking/validators', struct({ operators: array(bytes({ len: 20 }), 1 << 16) }));
/** BLS key → operator, so a key can be registered only once. */
export const blsKeyOwner = record('staking/bls-key', struct({ operator: bytes({ len: 20 }) }));
/** Pallas key → operator: one key signs for one validator only. */
export const pallasKeyOwner = record('staking/pallas-key', struct({ operator: bytes({ len: 20 }) }));

const delegationWire = struct({ shares: u64, rewardPerShare: bigUint });
export type Delegation = { shares: bigint; rewardPerShare: bigint };
const delegations = record('staking/delegation', delegationWire);

export const unbondingEntrySchema = struct({ delegator: bytes({ len: 20 }), validator: bytes({ len: 20 }), creationHeight: u64, initial: u64, balance: u64 });
export type UnbondingEntry = Infer<typeof unbondingEntrySchema>;
/** Entries maturing at a height (the queue) and per validator (for slashing). */
export const unbondingQueue = record('staking/unbonding-queue', struct({ entries: array(unbondingEntrySchema, 1 << 16) }));

export const moduleAddress = (name: string) => sha256(utf8(`quarry/module/${name}`)).slice(0, 20);
/** Holds every bonded uqry. */
export const BONDED_POOL = moduleAddress('staking/bonded');
/** Holds minted rewards and fees until delegators and operators claim them. */
export const REWARDS_POOL = moduleAddress('staking/rewards');
/** Holds unbonding stake until it matures. */
export const UNBONDING_POOL = moduleAddress('staking/unbonding');

export async function getStakingParams(state: StateReader): Promise<StakingParams> {
  const p = await stakingParams.get(state, NO_ID);
  if (!p) throw new Error('staking parameters missing from state');
  return p;
}

export async function getValidator(state: StateReader, operator: Uint8Array): Promise<Validator | undefined> {
  return validators.get(state, operator);
}

export async function requireValidator(state: StateReader, operator: Uint8Array): Promise<Validator> {
  const v = await getValidator(state, operator);
  if (!v) throw new QuarryError('E_NOT_FOUND', 'no such validator');
  return v;
}

export function putValidator(state: Overlay, operator: Uint8Array, v: Validator): void {
  validators.put(state, operator, { ...v, rewardPerShare: bigUintBytes(v.rewardPerShare) } as unknown as Validator);
}

export async function listOperators(state: StateReader): Promise<Uint8Array[]> {
  return (await validatorIndex.get(state, NO_ID))?.operators ?? [];
}

const delegationId = (delegator: Uint8Array, operator: Uint8Array) => concatBytes(delegator, operator);

export async function getDelegation(state: StateReader, delegator: Uint8Array, operator: Uint8Array): Promise<Delegation | undefined> {
  return delegations.get(state, delegationId(delegator, operator));
}

export function putDelegation(state: Overlay, delegator: Uint8Array, operator: Uint8Array, d: Delegation): void {
  if (d.shares === 0n) delegations.remove(state, delegationId(delegator, operator));
  else delegations.put(state, delegationId(delegator, operator), { shares: d.shares, rewardPerShare: bigUintBytes(d.rewardPerShare) } as unknown as Delegation);
}

/** Delegators of a validator, for queries (kept as a list record per validator). */
export const delegatorsOf = record('staking/delegators', struct({ delegators: array(bytes({ len: 20 }), 1 << 16) }));

export const queueKey = (height: bigint) => u64be(height);
