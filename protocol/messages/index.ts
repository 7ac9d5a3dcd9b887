/**
 * Every message type the chain accepts: `AnyMsg` (a union keyed by `type`, so a misspelt type or
 * field does not compile), its schema, and its fee weight.
 */
import { variant, type Schema } from '../encoding/schema.ts';
import type { MsgSpec } from './spec.ts';
import { multiSendSpec, sendSpec, type MultiSendMsg, type SendMsg } from './bank.ts';
import {
  claimSpec,
  createValidatorSpec,
  delegateSpec,
  editValidatorSpec,
  redelegateSpec,
  undelegateSpec,
  unjailSpec,
  type ClaimMsg,
  type CreateValidatorMsg,
  type DelegateMsg,
  type EditValidatorMsg,
  type RedelegateMsg,
  type UndelegateMsg,
  type UnjailMsg,
} from './staking.ts';
import {
  askSpec,
  bondSpec,
  cancelSpec,
  commitFillSpec,
  fulfillSpec,
  declineSpec,
  lockSpec,
  offerCapacitySpec,
  registerCircuitSpec,
  requestProofSpec,
  reserveSpec,
  revealFillSpec,
  unbondSpec,
  editProverSpec,
  delegateProverSpec,
  undelegateProverSpec,
  claimProverRewardsSpec,
  proverKeySpec,
  sealSpec,
  type ProverKeyMsg,
  type SealMsg,
  type EditProverMsg,
  type DelegateProverMsg,
  type UndelegateProverMsg,
  type ClaimProverRewardsMsg,
  type AskMsg,
  type BondMsg,
  type CancelMsg,
  type CommitFillMsg,
  type FulfillMsg,
  type DeclineMsg,
  type LockMsg,
  type OfferCapacityMsg,
  type RegisterCircuitMsg,
  type RequestProofMsg,
  type ReserveMsg,
  type RevealFillMsg,
  type UnbondMsg,
} from './market.ts';

export type AnyMsg =
  | SendMsg
  | MultiSendMsg
  | CreateValidatorMsg
  | EditValidatorMsg
  | DelegateMsg
  | UndelegateMsg
  | RedelegateMsg
  | ClaimMsg
  | UnjailMsg
  | RegisterCircuitMsg
  | BondMsg
  | UnbondMsg
  | EditProverMsg
  | DelegateProverMsg
  | UndelegateProverMsg
  | ClaimProverRewardsMsg
  | ProverKeyMsg
  | SealMsg
  | AskMsg
  | RequestProofMsg
  | CancelMsg
  | LockMsg
  | DeclineMsg
  | FulfillMsg
  | CommitFillMsg
  | RevealFillMsg
  | OfferCapacityMsg
  | ReserveMsg;

export type MsgType = AnyMsg['type'];
export type MsgOf<T extends MsgType> = Extract<AnyMsg, { type: T }>;

/** The spec of every message type, keyed by type (the compiler checks the key set is complete). */
export const msgSpecs: { readonly [T in MsgType]: MsgSpec<MsgOf<T>> } = {
  'bank/send': sendSpec,
  'bank/multi-send': multiSendSpec,
  'staking/create-validator': createValidatorSpec,
  'staking/edit-validator': editValidatorSpec,
  'staking/delegate': delegateSpec,
  'staking/undelegate': undelegateSpec,
  'staking/redelegate': redelegateSpec,
  'staking/claim': claimSpec,
  'staking/unjail': unjailSpec,
  'market/register-circuit': registerCircuitSpec,
  'market/bond': bondSpec,
  'market/unbond': unbondSpec,
  'market/edit-prover': editProverSpec,
  'market/delegate-prover': delegateProverSpec,
  'market/undelegate-prover': undelegateProverSpec,
  'market/claim-prover-rewards': claimProverRewardsSpec,
  'market/prover-key': proverKeySpec,
  'market/seal': sealSpec,
  'market/ask': askSpec,
  'market/request-proof': requestProofSpec,
  'market/cancel': cancelSpec,
  'market/lock': lockSpec,
  'market/decline': declineSpec,
  'market/fulfill': fulfillSpec,
  'market/commit-fill': commitFillSpec,
  'market/reveal-fill': revealFillSpec,
  'market/offer-capacity': offerCapacitySpec,
  'market/reserve': reserveSpec,
};

function specOf(msg: AnyMsg): MsgSpec<AnyMsg> {
  return msgSpecs[msg.type] as MsgSpec<AnyMsg>;
}

export const msgSchema: Schema<AnyMsg> = variant(Object.fromEntries(Object.values(msgSpecs).map((s) => [s.type, s.schema as Schema<AnyMsg>])));

export function msgWeight(msg: AnyMsg): bigint {
  return specOf(msg).weight(msg);
}
