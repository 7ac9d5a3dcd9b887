/**
 * An epoch as the prover and light clients see it (RPC `GET /epochs/:epoch`, docs/rpc.md): its
 * set and commitment, the boundary block it binds, and the handoff signatures into it. JSON uses
 * hex for bytes and decimal strings for integers; `fromJson` refuses anything malformed.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { NO_ID } from '../../state/record.ts';
import type { StateReader } from '../../state/view.ts';
import { fromHex, toHex } from '../../../protocol/encoding/bytes.ts';
import { decodeAddress, encodeAddress } from '../../../protocol/crypto/address.ts';
import { bytesToBigint } from '../../crypto/pallas.ts';
import type { EpochMember } from '../../../consensus/epoch/commitment.ts';
import type { BoundaryHeader } from './handoff.ts';
import { epochGenesis, getEpochSet, getHandoff } from './state.ts';

export interface EpochView {
  genesisHash: Uint8Array;
  genesisId: bigint;
  epoch: bigint;
  boundaryHeight: bigint;
  maxSize: number;
  commitment: bigint;
  members: EpochMember[];
  /** The boundary block (null for epoch 0, which begins at genesis). */
  boundary: BoundaryHeader | null;
  /** Signatures by members of epoch − 1 handing over to this epoch. */
  handoff: { signedPower: bigint; complete: boolean; signatures: Map<number, Uint8Array> };
}

export async function epochView(state: StateReader, epoch: bigint, boundaryOf: (height: bigint) => Promise<BoundaryHeader>): Promise<EpochView> {
  const set = await getEpochSet(state, epoch);
  const genesis = await epochGenesis.get(state, NO_ID);
  if (!set || !genesis) throw new QuarryError('E_NOT_FOUND', `epoch ${epoch} has not begun`);
  const h = await getHandoff(state, epoch);
  return {
    genesisHash: genesis.genesisHash,
    genesisId: bytesToBigint(genesis.genesisId),
    epoch,
    boundaryHeight: set.boundaryHeight,
    maxSize: Number(set.maxSize),
    commitment: bytesToBigint(set.commitment),
    members: set.members,
    boundary: epoch === 0n ? null : await boundaryOf(set.boundaryHeight),
    handoff: { signedPower: h.signedPower, complete: h.complete, signatures: new Map(h.signatures.map((s) => [s.index, s.signature])) },
  };
}

export type EpochViewJson = ReturnType<typeof epochViewToJson>;

export function epochViewToJson(v: EpochView) {
  return {
    genesisHash: toHex(v.genesisHash),
    genesisId: v.genesisId.toString(),
    epoch: v.epoch.toString(),
    boundaryHeight: v.boundaryHeight.toString(),
    maxSize: v.maxSize,
    commitment: v.commitment.toString(),
    members: v.members.map((m) => ({ address: encodeAddress(m.address), blsPubKey: toHex(m.blsPubKey), pallasPubKey: toHex(m.pallasPubKey), power: m.power.toString() })),
    boundary: v.boundary ? { headerHash: toHex(v.boundary.hash), stateRoot: toHex(v.boundary.stateRoot) } : null,
    handoff: {
      signedPower: v.handoff.signedPower.toString(),
      complete: v.handoff.complete,
      signatures: [...v.handoff.signatures].map(([index, s]) => ({ index, signature: toHex(s) })),
    },
  };
}

const bytesOf = (hex: string, len: number, what: string): Uint8Array => {
  const b = typeof hex === 'string' && /^[0-9a-f]*$/.test(hex) ? fromHex(hex) : null;
  if (!b || b.length !== len) throw new QuarryError('E_BAD_RESPONSE', `epoch view: ${what} is not ${len} bytes of hex`);
  return b;
};

const intOf = (s: string, what: string): bigint => {
  if (typeof s !== 'string' || !/^[0-9]{1,80}$/.test(s)) throw new QuarryError('E_BAD_RESPONSE', `epoch view: ${what} is not a decimal integer`);
  return BigInt(s);
};

export function epochViewFromJson(j: EpochViewJson): EpochView {
  if (!j || !Array.isArray(j.members) || !j.handoff || !Array.isArray(j.handoff.signatures)) throw new QuarryError('E_BAD_RESPONSE', 'epoch view: malformed');
  return {
    genesisHash: bytesOf(j.genesisHash, 32, 'genesisHash'),
    genesisId: intOf(j.genesisId, 'genesisId'),
    epoch: intOf(j.epoch, 'epoch'),
    boundaryHeight: intOf(j.boundaryHeight, 'boundaryHeight'),
    maxSize: Number(intOf(String(j.maxSize), 'maxSize')),
    commitment: intOf(j.commitment, 'commitment'),
    members: j.members.map((m, i) => ({
      address: decodeAddress(m.address),
      blsPubKey: bytesOf(m.blsPubKey, 48, `members[${i}].blsPubKey`),
      pallasPubKey: bytesOf(m.pallasPubKey, 32, `members[${i}].pallasPubKey`),
      power: intOf(m.power, `members[${i}].power`),
    })),
    boundary: j.boundary ? { hash: bytesOf(j.boundary.headerHash, 32, 'boundary.headerHash'), stateRoot: bytesOf(j.boundary.stateRoot, 32, 'boundary.stateRoot') } : null,
    handoff: {
      signedPower: intOf(j.handoff.signedPower, 'handoff.signedPower'),
      complete: j.handoff.complete === true,
      signatures: new Map(j.handoff.signatures.map((s) => [Number(s.index), bytesOf(s.signature, 64, 'handoff signature')])),
    },
  };
}

/** What this node's state says of an epoch: the outputs a proof of it must have. */
export interface EpochFacts {
  genesisId: bigint;
  commitment: bigint;
  maxSize: number;
  /** The handoff into the epoch is complete here (a proof of it needs that). */
  complete: boolean;
}

/** The outputs a proof of `epoch` must have here, and whether its handoff is complete; null before it begins. */
export async function epochFacts(state: StateReader, epoch: bigint): Promise<EpochFacts | null> {
  const set = await getEpochSet(state, epoch);
  const genesis = await epochGenesis.get(state, NO_ID);
  if (!set || !genesis) return null;
  const complete = epoch === 0n || (await getHandoff(state, epoch)).complete;
  return { genesisId: bytesToBigint(genesis.genesisId), commitment: bytesToBigint(set.commitment), maxSize: Number(set.maxSize), complete };
}
