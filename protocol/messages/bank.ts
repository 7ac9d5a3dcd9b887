/** Bank messages: `bank/send` and `bank/multi-send` (all outputs or none). */
import { array, bytes, literal, struct, u64, type Infer } from '../encoding/schema.ts';
import { msgSpec } from './spec.ts';

export const MAX_OUTPUTS = 64;
const output = struct({ to: bytes({ len: 20 }), amount: u64 });

const sendSchema = struct({ type: literal('bank/send'), to: bytes({ len: 20 }), amount: u64 });
export type SendMsg = Infer<typeof sendSchema>;
export const sendSpec = msgSpec<SendMsg>({ type: 'bank/send', schema: sendSchema, weight: () => 200n });

const multiSendSchema = struct({ type: literal('bank/multi-send'), outputs: array(output, MAX_OUTPUTS, 1) });
export type MultiSendMsg = Infer<typeof multiSendSchema>;
export const multiSendSpec = msgSpec<MultiSendMsg>({
  type: 'bank/multi-send',
  schema: multiSendSchema,
  weight: (msg) => 200n + 100n * BigInt(msg.outputs.length),
});
