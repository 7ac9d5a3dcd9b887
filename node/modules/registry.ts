/** Every message type the chain accepts, and the schema of a message (a union keyed by `type`). */
import { variant, type Schema } from '../encoding/schema.ts';
import type { Msg, MsgHandler } from './types.ts';
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
import { ask } from './market/ask.ts';
import { requestProof } from './market/request-proof.ts';
import { cancel } from './market/cancel.ts';
import { lock } from './market/lock.ts';
import { fulfill } from './market/fulfill.ts';
import { commitFill } from './market/commit-fill.ts';
import { revealFill } from './market/reveal-fill.ts';
import { offerCapacity } from './market/offer-capacity.ts';
import { reserve } from './market/reserve.ts';

// Each handler is typed by its own message; the registry erases that to the common Msg shape.
const handlers = [
  send,
  multiSend,
  createValidator,
  editValidator,
  delegate,
  undelegate,
  redelegate,
  claim,
  unjail,
  registerCircuit,
  bond,
  unbond,
  ask,
  requestProof,
  cancel,
  lock,
  fulfill,
  commitFill,
  revealFill,
  offerCapacity,
  reserve,
] as unknown as MsgHandler[];

export const msgHandlers: ReadonlyMap<string, MsgHandler> = new Map(handlers.map((h) => [h.type, h]));

export const msgSchema: Schema<Msg> = variant(Object.fromEntries(handlers.map((h) => [h.type, h.schema as Schema<Msg>])));

export function handlerFor(msg: Msg): MsgHandler {
  const h = msgHandlers.get(msg.type);
  if (!h) throw new Error(`no handler for ${msg.type}`);
  return h;
}
