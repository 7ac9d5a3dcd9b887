/**
 * Handoff signatures (docs/epochs.md §handoff): after boundary block kL, each member of epoch
 * k − 1 signs (Pallas Schnorr) the handoff into epoch k; proposers carry the signatures in the
 * block body and every node checks and records them here. The handoff is complete once the
 * signers hold more than 2/3 of epoch k − 1's power; later signatures add nothing and are refused.
 */
import { bytes, struct, u64, uint, type Infer } from '../../../protocol/encoding/schema.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { encode } from '../../../protocol/encoding/cbor.ts';
import { taggedHash } from '../../crypto/hash.ts';
import { bytesToBigint, PALLAS_SIGNATURE_BYTES, pallasVerify } from '../../crypto/pallas.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { NO_ID } from '../../state/record.ts';
import type { Overlay, StateReader } from '../../state/view.ts';
import { handoffMessage } from '../../../consensus/epoch/commitment.ts';
import { MAX_VALIDATORS } from '../../../consensus/validator-set.ts';
import type { ChainEvent } from '../types.ts';
import { epochGenesis, epochKey, getEpochSet, getHandoff, handoffs } from './state.ts';

export const handoffSchema = struct({ epoch: u64, index: uint(MAX_VALIDATORS - 1), signature: bytes({ len: PALLAS_SIGNATURE_BYTES }) });
export type HandoffSignature = Infer<typeof handoffSchema>;
export const HANDOFF_MAX_BYTES = 128;

export function handoffId(h: HandoffSignature): Uint8Array {
  return taggedHash('quarry/handoff', encode(h));
}
export const MAX_BLOCK_HANDOFFS = MAX_VALIDATORS;

/** The boundary block a handoff binds (its header hash and state root). */
export interface BoundaryHeader {
  hash: Uint8Array;
  stateRoot: Uint8Array;
}

/** The fields epoch k − 1 signs to hand over to epoch k, from recorded state. */
export async function handoffFields(state: StateReader, epoch: bigint, boundary: BoundaryHeader): Promise<bigint[]> {
  const next = await getEpochSet(state, epoch);
  const genesis = await epochGenesis.get(state, NO_ID);
  if (!next || !genesis) throw new QuarryError('E_NOT_FOUND', `epoch ${epoch} has no recorded validator set`);
  return handoffMessage({ genesisId: bytesToBigint(genesis.genesisId), epoch, commitment: bytesToBigint(next.commitment), headerHash: boundary.hash, stateRoot: boundary.stateRoot });
}

/** Checks a handoff signature against state; throws a QuarryError saying why it is refused. */
export async function verifyHandoff(state: StateReader, h: HandoffSignature, boundary: (height: bigint) => Promise<BoundaryHeader>): Promise<void> {
  if (h.epoch === 0n) throw new QuarryError('E_BAD_REQUEST', 'epoch 0 is genesis: nothing hands over to it');
  const next = await getEpochSet(state, h.epoch);
  const prev = await getEpochSet(state, h.epoch - 1n);
  if (!next || !prev) throw new QuarryError('E_NOT_FOUND', `epoch ${h.epoch} has not begun`);
  const signer = prev.members[h.index];
  if (!signer) throw new QuarryError('E_BAD_REQUEST', `index ${h.index} is outside epoch ${h.epoch - 1n}'s set of ${prev.members.length}`);
  const rec = await getHandoff(state, h.epoch);
  if (rec.complete) throw new QuarryError('E_DUPLICATE', `the handoff into epoch ${h.epoch} is already complete`);
  if (rec.signatures.some((s) => s.index === h.index)) throw new QuarryError('E_DUPLICATE', `validator ${h.index} already signed the handoff into epoch ${h.epoch}`);
  const message = await handoffFields(state, h.epoch, await boundary(next.boundaryHeight));
  if (!(await pallasVerify(signer.pallasPubKey, message, h.signature))) throw new QuarryError('E_BAD_SIGNATURE', `bad handoff signature from validator ${h.index} for epoch ${h.epoch}`);
}

/** Records a verified signature; emits `handoff-complete` when it takes the signers past 2/3. */
export async function recordHandoff(state: Overlay, h: HandoffSignature, events: ChainEvent[]): Promise<void> {
  const prev = (await getEpochSet(state, h.epoch - 1n))!;
  const rec = await getHandoff(state, h.epoch);
  const signatures = [...rec.signatures, { index: h.index, signature: h.signature }].sort((a, b) => a.index - b.index);
  const signedPower = rec.signedPower + prev.members[h.index]!.power;
  const total = prev.members.reduce((s, m) => s + m.power, 0n);
  const complete = signedPower * 3n > total * 2n;
  handoffs.put(state, epochKey(h.epoch), { signedPower, complete, signatures });
  events.push({ type: 'handoff', epoch: h.epoch.toString(), validator: encodeAddress(prev.members[h.index]!.address), complete: String(complete) });
}
