/** Storage encoding of a block's receipts and block-level events (CBOR; events carry strings and integers only). */
import { decodeStored, encode } from '../../protocol/encoding/cbor.ts';
import type { Receipt } from '../exec/execute.ts';
import type { ChainEvent } from '../modules/types.ts';

export const receiptsCodec = {
  encode(receipts: Receipt[]): Uint8Array {
    return encode(receipts);
  },
  decode(bytes: Uint8Array): Receipt[] {
    return decodeStored(bytes) as Receipt[];
  },
};

export const blockEventsCodec = {
  encode(events: ChainEvent[]): Uint8Array {
    return encode(events);
  },
  decode(bytes: Uint8Array): ChainEvent[] {
    return decodeStored(bytes) as ChainEvent[];
  },
};
