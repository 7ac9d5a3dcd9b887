import { makeTx, deterministicUser } from './test/helpers/chain.ts';
import { decodeTx } from './node/tx/tx.ts';
import { decodeAddress } from './protocol/crypto/address.ts';
import type { AnyMsg } from './protocol/messages/index.ts';
const u = deterministicUser(0);
const recipients = Array.from({ length: 64 }, (_, i) => decodeAddress(deterministicUser(100 + i).address));
const msg = { type: 'bank/multi-send', outputs: recipients.map((to) => ({ to, amount: 1n })) } as AnyMsg;
const bytes = makeTx(u, Array.from({ length: 28 }, () => msg), { sequence: 0n, fee: 10_000_000n });
console.log('bytes', bytes.length);
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) decodeTx(bytes);
  console.log('decodeTx ms each', ((performance.now() - t0) / 10).toFixed(2));
}
