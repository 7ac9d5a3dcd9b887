/** `market/bond`: a prover posts collateral; open locks may never exceed it. */
import { literal, struct, u64, type Infer } from '../../encoding/schema.ts';
import { QuarryError } from '../../errors.ts';
import { toHex } from '../../encoding/bytes.ts';
import { NO_ID } from '../../state/record.ts';
import { transfer } from '../bank/account.ts';
import { defineMsg } from '../types.ts';
import { getProver, MARKET_BONDS, proverList, provers } from './state.ts';

const schema = struct({ type: literal('market/bond'), amount: u64 });
export type BondMsg = Infer<typeof schema>;

export const bond = defineMsg<BondMsg>({
  type: 'market/bond',
  schema,
  weight: () => 1_000n,
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
