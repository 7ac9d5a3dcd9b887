/** `market/prover-key`: a bonded prover publishes the X25519 key sealed inputs are encrypted to (docs/market.md §sealed). */
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { defineMsg } from '../types.ts';
import { getMarketParams, proverKeys, requireProverBond } from './state.ts';
import { proverKeySpec, type ProverKeyMsg } from '../../../protocol/messages/market.ts';

export const proverKey = defineMsg<ProverKeyMsg>({
  ...proverKeySpec,
  spend: () => 0n,
  async apply(ctx, m) {
    await requireProverBond(ctx.state, ctx.signer, await getMarketParams(ctx.state));
    proverKeys.put(ctx.state, ctx.signer, { key: m.encryptionKey });
    ctx.emit({ type: 'market-prover-key', prover: encodeAddress(ctx.signer), key: toHex(m.encryptionKey) });
  },
});
