/** `staking/create-validator`: register the signer as a validator with a BLS key and a self-bond. */
import { bytes, literal, struct, text, u64, type Infer } from '../../encoding/schema.ts';
import { QuarryError } from '../../errors.ts';
import { blsVerifyProofOfPossession } from '../../crypto/bls.ts';
import { encodeAddress } from '../../crypto/address.ts';
import { NO_ID } from '../../state/record.ts';
import { defineMsg } from '../types.ts';
import { addStake } from './bonding.ts';
import { blsKeyOwner, getStakingParams, getValidator, listOperators, putValidator, validatorIndex } from './state.ts';

const schema = struct({
  type: literal('staking/create-validator'),
  blsPubKey: bytes({ len: 48 }),
  proofOfPossession: bytes({ len: 96 }),
  commissionPpm: u64,
  moniker: text(64),
  selfBond: u64,
});
export type CreateValidatorMsg = Infer<typeof schema>;

export const createValidator = defineMsg<CreateValidatorMsg>({
  type: 'staking/create-validator',
  schema,
  weight: () => 20_000n, // pays for the proof-of-possession pairing check
  spend: (m) => m.selfBond,
  async apply(ctx, m) {
    const params = await getStakingParams(ctx.state);
    if (await getValidator(ctx.state, ctx.signer)) throw new QuarryError('E_DUPLICATE', 'this account already operates a validator');
    if (await blsKeyOwner.get(ctx.state, m.blsPubKey)) throw new QuarryError('E_DUPLICATE', 'this BLS key is already registered');
    if (m.commissionPpm > params.maxCommissionPpm) throw new QuarryError('E_INVALID_MSG', `commission above the maximum of ${params.maxCommissionPpm} ppm`);
    if (m.selfBond < params.minSelfBond) throw new QuarryError('E_INVALID_MSG', `self-bond below the minimum of ${params.minSelfBond} uqry`);
    if (!blsVerifyProofOfPossession(m.blsPubKey, m.proofOfPossession)) throw new QuarryError('E_BAD_SIGNATURE', 'invalid BLS proof of possession');
    putValidator(ctx.state, ctx.signer, {
      operator: ctx.signer,
      blsPubKey: m.blsPubKey,
      moniker: m.moniker,
      commissionPpm: m.commissionPpm,
      tokens: 0n,
      shares: 0n,
      rewardPerShare: 0n,
      commissionOwed: 0n,
      jailed: false,
      jailedUntil: 0n,
      tombstoned: false,
      missedBits: new Uint8Array(Math.ceil(Number(params.downtimeWindow) / 8)),
      missedCount: 0n,
    });
    blsKeyOwner.put(ctx.state, m.blsPubKey, { operator: ctx.signer });
    validatorIndex.put(ctx.state, NO_ID, { operators: [...(await listOperators(ctx.state)), ctx.signer] });
    await addStake(ctx.state, ctx.signer, ctx.signer, m.selfBond);
    ctx.emit({ type: 'create-validator', operator: encodeAddress(ctx.signer), selfBond: m.selfBond.toString() });
  },
});
