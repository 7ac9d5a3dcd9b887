/**
 * `market/edit-prover`: a bonded prover opens itself to delegation or changes its commission on
 * its delegators' part of its earnings (docs/market.md §delegation). A cut takes effect at once;
 * a raise only after `bondUnbondingBlocks`, so delegators can leave before it bites.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { defineMsg } from '../types.ts';
import { commissionAt, getPool, putPool } from './delegation.ts';
import { getMarketParams, PPM, requireProverBond } from './state.ts';
import { editProverSpec, type EditProverMsg } from '../../../protocol/messages/market.ts';

export const editProver = defineMsg<EditProverMsg>({
  ...editProverSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    if (m.commissionPpm > PPM) throw new QuarryError('E_INVALID_MSG', 'commission is at most 1,000,000 ppm (100 %)');
    const params = await getMarketParams(ctx.state);
    await requireProverBond(ctx.state, ctx.signer, params);
    const pool = await getPool(ctx.state, ctx.signer);
    const now = pool ? commissionAt(pool, ctx.height) : m.commissionPpm;
    const at = m.commissionPpm <= now ? ctx.height : ctx.height + params.bondUnbondingBlocks;
    const commissionPpm = m.commissionPpm <= now ? m.commissionPpm : now;
    putPool(ctx.state, ctx.signer, { shares: pool?.shares ?? 0n, rewardPerShare: pool?.rewardPerShare ?? 0n, commissionPpm, nextCommissionPpm: m.commissionPpm, nextCommissionAt: at });
    ctx.emit({ type: 'market-edit-prover', prover: encodeAddress(ctx.signer), commissionPpm: m.commissionPpm.toString(), from: at.toString() });
  },
});
