/** `staking/edit-validator`: change the signer's validator commission and moniker. */
import { literal, struct, text, u64, type Infer } from '../../encoding/schema.ts';
import { QuarryError } from '../../errors.ts';
import { defineMsg } from '../types.ts';
import { getStakingParams, putValidator, requireValidator } from './state.ts';

const schema = struct({ type: literal('staking/edit-validator'), commissionPpm: u64, moniker: text(64) });
export type EditValidatorMsg = Infer<typeof schema>;

export const editValidator = defineMsg<EditValidatorMsg>({
  type: 'staking/edit-validator',
  schema,
  weight: () => 500n,
  spend: () => 0n,
  async apply(ctx, m) {
    const params = await getStakingParams(ctx.state);
    const v = await requireValidator(ctx.state, ctx.signer);
    if (m.commissionPpm > params.maxCommissionPpm) throw new QuarryError('E_INVALID_MSG', `commission above the maximum of ${params.maxCommissionPpm} ppm`);
    putValidator(ctx.state, ctx.signer, { ...v, commissionPpm: m.commissionPpm, moniker: m.moniker });
  },
});
