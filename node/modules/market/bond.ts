/** `market/bond`: a prover posts collateral; open locks may never exceed it. */
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { NO_ID } from '../../state/record.ts';
import { transfer } from '../bank/account.ts';
import { defineMsg } from '../types.ts';
import { getProver, MARKET_BONDS, proverList, provers } from './state.ts';
import { bondSpec, type BondMsg } from '../../../protocol/messages/market.ts';

export const bond = defineMsg<BondMsg>({
  ...bondSpec,
  spend: (m) => m.amount,
  async apply(ctx, m) {
    if (m.amount === 0n) throw new QuarryError('E_INVALID_MSG', 'amount must be positive');
    await transfer(ctx.state, ctx.signer, MARKET_BONDS, m.amount);
    const p = await getProver(ctx.state, ctx.signer);
    if (p.bond === 0n && p.locks === 0n) {
      const list = (await proverList.get(ctx.state, NO_ID))?.addresses ?? [];
      if (!list.some((a) => toHex(a) === toHex(ctx.signer))) proverList.put(ctx.state, NO_ID, { addresses: [...list, ctx.signer] });
    }
    provers.put(ctx.state, ctx.signer, { ...p, bond: p.bond + m.amount });
  },
});
