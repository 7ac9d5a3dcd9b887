/**
 * `staking/create-validator`: register the signer as a validator with a BLS consensus key, a Pallas
 * session key (epoch handoffs, docs/epochs.md), a proof of possession of each, and a self-bond.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { blsVerifyProofOfPossession } from '../../crypto/bls.ts';
import { pallasVerifyProofOfPossession } from '../../crypto/pallas.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { defineMsg } from '../types.ts';
import { addStake } from './bonding.ts';
import { blsKeyOwner, getStakingParams, getValidator, pallasKeyOwner } from './state.ts';
import { registerValidator } from './register.ts';
import { createValidatorSpec, type CreateValidatorMsg } from '../../../protocol/messages/staking.ts';

export const createValidator = defineMsg<CreateValidatorMsg>({
  ...createValidatorSpec,
  spend: (m) => m.selfBond,
  async apply(ctx, m) {
    const params = await getStakingParams(ctx.state);
    if (await getValidator(ctx.state, ctx.signer)) throw new QuarryError('E_DUPLICATE', 'this account already operates a validator');
    if (await blsKeyOwner.get(ctx.state, m.blsPubKey)) throw new QuarryError('E_DUPLICATE', 'this BLS key is already registered');
    if (await pallasKeyOwner.get(ctx.state, m.pallasPubKey)) throw new QuarryError('E_DUPLICATE', 'this Pallas key is already registered');
    if (m.commissionPpm > params.maxCommissionPpm) throw new QuarryError('E_INVALID_MSG', `commission above the maximum of ${params.maxCommissionPpm} ppm`);
    if (m.selfBond < params.minSelfBond) throw new QuarryError('E_INVALID_MSG', `self-bond below the minimum of ${params.minSelfBond} uqry`);
    if (!blsVerifyProofOfPossession(m.blsPubKey, m.proofOfPossession)) throw new QuarryError('E_BAD_SIGNATURE', 'invalid BLS proof of possession');
    if (!(await pallasVerifyProofOfPossession(ctx.signer, m.pallasPubKey, m.pallasProofOfPossession))) throw new QuarryError('E_BAD_SIGNATURE', 'invalid Pallas proof of possession');
    await registerValidator(ctx.state, params, { operator: ctx.signer, blsPubKey: m.blsPubKey, pallasPubKey: m.pallasPubKey, moniker: m.moniker, commissionPpm: m.commissionPpm });
    await addStake(ctx.state, ctx.signer, ctx.signer, m.selfBond);
    ctx.emit({ type: 'create-validator', operator: encodeAddress(ctx.signer), selfBond: m.selfBond.toString() });
  },
});
