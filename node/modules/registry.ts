/** The handler of every message type the protocol defines (protocol/messages/index.ts). */
import type { AnyMsg, MsgOf, MsgType } from '../../protocol/messages/index.ts';
import type { MsgHandler } from './types.ts';
import { send } from './bank/send.ts';
import { multiSend } from './bank/multi-send.ts';
import { createValidator } from './staking/create-validator.ts';
import { editValidator } from './staking/edit-validator.ts';
import { delegate } from './staking/delegate.ts';
import { undelegate } from './staking/undelegate.ts';
import { redelegate } from './staking/redelegate.ts';
import { claim } from './staking/claim.ts';
import { unjail } from './staking/unjail.ts';
import { registerCircuit } from './market/register-circuit.ts';
import { bond } from './market/bond.ts';
import { unbond } from './market/unbond.ts';
import { editProver } from './market/edit-prover.ts';
import { delegateProver } from './market/delegate-prover.ts';
import { undelegateProver } from './market/undelegate-prover.ts';
import { claimProverRewards } from './market/claim-prover-rewards.ts';
import { proverKey } from './market/prover-key.ts';
import { seal } from './market/seal.ts';
import { ask } from './market/ask.ts';
import { requestProof } from './market/request-proof.ts';
import { cancel } from './market/cancel.ts';
import { lock } from './market/lock.ts';
import { decline } from './market/decline.ts';
import { fulfill } from './market/fulfill.ts';
import { commitFill } from './market/commit-fill.ts';
import { revealFill } from './market/reveal-fill.ts';
import { offerCapacity } from './market/offer-capacity.ts';
import { reserve } from './market/reserve.ts';

// Keyed by type so the compiler checks that every protocol message has exactly one handler.
const handlers: { readonly [T in MsgType]: MsgHandler<MsgOf<T>> } = {
  'bank/send': send,
  'bank/multi-send': multiSend,
  'staking/create-validator': createValidator,
  'staking/edit-validator': editValidator,
  'staking/delegate': delegate,
  'staking/undelegate': undelegate,
  'staking/redelegate': redelegate,
  'staking/claim': claim,
  'staking/unjail': unjail,
  'market/register-circuit': registerCircuit,
  'market/bond': bond,
  'market/unbond': unbond,
  'market/edit-prover': editProver,
  'market/delegate-prover': delegateProver,
  'market/undelegate-prover': undelegateProver,
  'market/claim-prover-rewards': claimProverRewards,
  'market/prover-key': proverKey,
  'market/seal': seal,
  'market/ask': ask,
  'market/request-proof': requestProof,
  'market/cancel': cancel,
  'market/lock': lock,
  'market/decline': decline,
  'market/fulfill': fulfill,
  'market/commit-fill': commitFill,
  'market/reveal-fill': revealFill,
  'market/offer-capacity': offerCapacity,
  'market/reserve': reserve,
};

/** Handlers of a transaction's messages, erased to the common shape the executor drives. */
export function handlerFor(msg: AnyMsg): MsgHandler {
  return handlers[msg.type] as unknown as MsgHandler;
}
