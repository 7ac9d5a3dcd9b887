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

// Each handler is typed by its own message; the registry erases that to the common Msg shape.
const handlers = [send, multiSend, createValidator, editValidator, delegate, undelegate, redelegate, claim, unjail] as unknown as MsgHandler[];

export const msgHandlers: ReadonlyMap<string, MsgHandler> = new Map(handlers.map((h) => [h.type, h]));

export const msgSchema: Schema<Msg> = variant(Object.fromEntries(handlers.map((h) => [h.type, h.schema as Schema<Msg>])));

export function handlerFor(msg: Msg): MsgHandler {
  const h = msgHandlers.get(msg.type);
  if (!h) throw new Error(`no handler for ${msg.type}`);
  return h;
}
