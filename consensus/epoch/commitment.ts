/**
 * What an epoch proof commits to (docs/epochs.md): the validator-set commitment, the genesis
 * identity and the handoff message the outgoing set signs. The same field layout is hashed here
 * (out of circuit) and inside the o1js program (`program.ts`), so they must change together.
 */
import { array, bytes, struct, u64, type Infer } from '../../protocol/encoding/schema.ts';
import { taggedHash } from '../../node/crypto/hash.ts';
import { bytesToBigint, hashToFields, PALLAS_PUBKEY_BYTES, pallasPublicKey, poseidonHash, tagField } from '../../node/crypto/pallas.ts';
import { MAX_VALIDATORS } from '../validator-set.ts';

export const epochMemberSchema = struct({
  address: bytes({ len: 20 }),
  blsPubKey: bytes({ len: 48 }),
  pallasPubKey: bytes({ len: PALLAS_PUBKEY_BYTES }),
  power: u64,
});
export type EpochMember = Infer<typeof epochMemberSchema>;
export const epochMembersSchema = array(epochMemberSchema, MAX_VALIDATORS, 1);

/** Fields per member in the commitment: Pallas x, parity of y, power, BLS key digest. */
export const MEMBER_FIELDS = 4;
export const GENESIS_TAG = tagField('quarry/epoch-genesis/v1');
export const HANDOFF_TAG = tagField('quarry/epoch-handoff/v1');

const X_MASK = (1n << 255n) - 1n;

/** A BLS key as one field: the first 31 bytes of its tagged SHA-256 (248 bits fit any field). */
export function blsKeyField(blsPubKey: Uint8Array): bigint {
  return bytesToBigint(taggedHash('quarry/epoch-bls-key/v1', blsPubKey).subarray(0, 31));
}

export function memberFields(m: Pick<EpochMember, 'pallasPubKey' | 'power' | 'blsPubKey'>): bigint[] {
  const k = bytesToBigint(m.pallasPubKey);
  return [k & X_MASK, k >> 255n, m.power, blsKeyField(m.blsPubKey)];
}

let padding: Promise<bigint[]> | null = null;

/**
 * Empty slots hold the Pallas generator (secret 1) with zero power: a valid point, so the circuit
 * can run its signature check on every slot, and zero power, so a slot never counts.
 */
export function paddingFields(): Promise<bigint[]> {
  padding ??= pallasPublicKey(1n).then((k) => memberFields({ pallasPubKey: k, power: 0n, blsPubKey: new Uint8Array(48) }).map((f, i) => (i === 3 ? 0n : f)));
  return padding;
}

/** The members' fields padded to `maxSize` slots, in canonical (state) order. */
export async function setFields(members: readonly EpochMember[], maxSize: number): Promise<bigint[]> {
  if (members.length > maxSize) throw new Error(`validator set of ${members.length} exceeds the epoch circuit's ${maxSize} slots`);
  const pad = await paddingFields();
  const out = members.flatMap(memberFields);
  for (let i = members.length; i < maxSize; i++) out.push(...pad);
  return out;
}

/**
 * Recent commitments by their fields: every epoch boundary commits the set, which seldom changes,
 * and one Poseidon over the padded slots took ≈ 100 ms (a synced empty block's largest cost,
 * amortized ≈ 1 ms a block at 100-block epochs). A pure function's memo: nothing else depends on it.
 */
const commitments = new Map<string, bigint>();

/** Poseidon over the padded set: what the epoch proof outputs and the light client checks. */
export async function setCommitment(members: readonly EpochMember[], maxSize: number): Promise<bigint> {
  const fields = await setFields(members, maxSize);
  const id = fields.join(',');
  const known = commitments.get(id);
  if (known !== undefined) return known;
  const commitment = await poseidonHash(fields);
  if (commitments.size >= 8) commitments.clear();
  commitments.set(id, commitment);
  return commitment;
}

/** The chain's identity inside proofs: its genesis hash and the genesis set's commitment. */
export function genesisIdFields(genesisHash: Uint8Array, genesisCommitment: bigint): bigint[] {
  return [GENESIS_TAG, ...hashToFields(genesisHash), genesisCommitment];
}

export function genesisId(genesisHash: Uint8Array, genesisCommitment: bigint): Promise<bigint> {
  return poseidonHash(genesisIdFields(genesisHash, genesisCommitment));
}

export interface Handoff {
  genesisId: bigint;
  /** The epoch that begins: its set is `commitment`. */
  epoch: bigint;
  commitment: bigint;
  /** Header hash and state root of the boundary block (the last block of epoch − 1). */
  headerHash: Uint8Array;
  stateRoot: Uint8Array;
}

/** The fields the outgoing set signs (Pallas Schnorr) to hand over to epoch `h.epoch`. */
export function handoffMessage(h: Handoff): bigint[] {
  return [HANDOFF_TAG, h.genesisId, h.epoch, h.commitment, ...hashToFields(h.headerHash), ...hashToFields(h.stateRoot)];
}
