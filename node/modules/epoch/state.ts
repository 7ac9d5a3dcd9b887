/**
 * Epoch records (docs/epochs.md): each epoch's validator set with Pallas keys and its Poseidon
 * commitment, recorded at the boundary block, and the handoff signatures the outgoing set sends.
 * These are what the epoch prover proves from and what light clients fetch and check.
 */
import { array, bool, bytes, struct, u64, uint, type Infer } from '../../../protocol/encoding/schema.ts';
import { NO_ID, record } from '../../state/record.ts';
import type { Overlay, StateReader } from '../../state/view.ts';
import { u64be } from '../../../protocol/encoding/bytes.ts';
import { bigintToBytes, bytesToBigint, PALLAS_SIGNATURE_BYTES } from '../../crypto/pallas.ts';
import { epochMembersSchema, genesisId, setCommitment, type EpochMember } from '../../../consensus/epoch/commitment.ts';
import { MAX_VALIDATORS } from '../../../consensus/validator-set.ts';
import { getActiveSet } from '../validators.ts';
import { getStakingParams, getValidator } from '../staking/state.ts';

const hash32 = bytes({ len: 32 });

export const epochSetSchema = struct({
  epoch: u64,
  /** The block whose end chose this set (0 for genesis). */
  boundaryHeight: u64,
  /** Slots in the commitment: the staking maxValidators in force, the epoch circuit's size. */
  maxSize: u64,
  commitment: hash32,
  members: epochMembersSchema,
});
export type EpochSet = Infer<typeof epochSetSchema>;
export const epochSets = record('epoch/set', epochSetSchema);

export const handoffSignatureSchema = struct({ index: uint(MAX_VALIDATORS - 1), signature: bytes({ len: PALLAS_SIGNATURE_BYTES }) });
export const handoffRecordSchema = struct({
  signedPower: u64,
  complete: bool,
  signatures: array(handoffSignatureSchema, MAX_VALIDATORS),
});
export type HandoffRecord = Infer<typeof handoffRecordSchema>;
/** Handoff into epoch k, signed by the members of epoch k − 1. */
export const handoffs = record('epoch/handoff', handoffRecordSchema);
/** Poseidon(genesis tag, genesis hash, genesis commitment): the chain's identity inside proofs. */
export const epochGenesis = record('epoch/genesis', struct({ genesisId: hash32, genesisHash: hash32 }));

export const epochKey = (epoch: bigint) => u64be(epoch);

export async function getEpochSet(state: StateReader, epoch: bigint): Promise<EpochSet | undefined> {
  return epochSets.get(state, epochKey(epoch));
}

export async function getHandoff(state: StateReader, epoch: bigint): Promise<HandoffRecord> {
  return (await handoffs.get(state, epochKey(epoch))) ?? { signedPower: 0n, complete: false, signatures: [] };
}

/** The active set with each member's Pallas key, in canonical order. */
async function activeMembers(state: StateReader): Promise<EpochMember[]> {
  const { set } = await getActiveSet(state);
  const out: EpochMember[] = [];
  for (const v of set.validators) {
    const rec = await getValidator(state, v.address);
    if (!rec) throw new Error(`validator record missing for an active validator`);
    out.push({ address: v.address, blsPubKey: v.blsPubKey, pallasPubKey: rec.pallasPubKey, power: v.power });
  }
  return out;
}

/** At the boundary block: the set that takes over for `epoch`, committed for the prover. */
export async function recordEpochSet(state: Overlay, epoch: bigint, boundaryHeight: bigint): Promise<EpochSet> {
  const { maxValidators } = await getStakingParams(state);
  const members = await activeMembers(state);
  const commitment = bigintToBytes(await setCommitment(members, Number(maxValidators)));
  const rec = { epoch, boundaryHeight, maxSize: maxValidators, commitment, members };
  epochSets.put(state, epochKey(epoch), rec);
  return rec;
}

export async function recordGenesisEpoch(state: Overlay, genesisHash: Uint8Array, maxValidators: bigint): Promise<void> {
  if (maxValidators > BigInt(MAX_VALIDATORS)) throw new Error(`maxValidators above ${MAX_VALIDATORS}`);
  const set = await recordEpochSet(state, 0n, 0n);
  const id = await genesisId(genesisHash, bytesToBigint(set.commitment));
  epochGenesis.put(state, NO_ID, { genesisId: bigintToBytes(id), genesisHash });
}
