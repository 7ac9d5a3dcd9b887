/** `staking/edit-validator`: change the signer's validator commission and moniker. */
import { QuarryError } from '../../../protocol/errors.ts';
import { defineMsg } from '../types.ts';
import { getStakingParams, putValidator, requireValidator } from './state.ts';
import { editValidatorSpec, type EditValidatorMsg } from '../../../protocol/messages/staking.ts';

export const editValidator = defineMsg<EditValidatorMsg>({
  ...editValidatorSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    const params = await getStakingParams(ctx.state);
    const v = await requireValidator(ctx.state, ctx.signer);
    if (m.commissionPpm > params.maxCommissionPpm) throw new QuarryError('E_INVALID_MSG', `commission above the maximum of ${params.maxCommissionPpm} ppm`);
    putValidator(ctx.state, ctx.signer, { ...v, commissionPpm: m.commissionPpm, moniker: m.moniker });
  },
});
