/** Every message type the chain accepts, and the schema of a message (a union keyed by `type`). */
import { variant, type Schema } from '../encoding/schema.ts';
import type { Msg, MsgHandler } from './types.ts';
import { send } from './bank/send.ts';
import { multiSend } from './bank/multi-send.ts';

// Each handler is typed by its own message; the registry erases that to the common Msg shape.
const handlers = [send, multiSend] as unknown as MsgHandler[];

export const msgHandlers: ReadonlyMap<string, MsgHandler> = new Map(handlers.map((h) => [h.type, h]));

export const msgSchema: Schema<Msg> = variant(Object.fromEntries(handlers.map((h) => [h.type, h.schema as Schema<Msg>])));

export function handlerFor(msg: Msg): MsgHandler {
  const h = msgHandlers.get(msg.type);
  if (!h) throw new Error(`no handler for ${msg.type}`);
  return h;
}
