/**
 * `staking/redelegate`: move stake from one validator to another at once, without unbonding.
 * (v1 does not slash redelegated stake for the source validator's earlier faults: docs/staking.md.)
 */
import { bytes, literal, struct, u64, type Infer } from '../../encoding/schema.ts';
import { QuarryError } from '../../errors.ts';
import { equalBytes } from '../../encoding/bytes.ts';
import { encodeAddress } from '../../crypto/address.ts';
import { defineMsg } from '../types.ts';
import { addStake, removeStake } from './bonding.ts';
import { BONDED_POOL, getStakingParams } from './state.ts';

const schema = struct({ type: literal('staking/redelegate'), from: bytes({ len: 20 }), to: bytes({ len: 20 }), amount: u64 });
export type RedelegateMsg = Infer<typeof schema>;

export const redelegate = defineMsg<RedelegateMsg>({
  type: 'staking/redelegate',
  schema,
  weight: () => 2_000n,
  spend: () => 0n,
  async apply(ctx, m) {
    if (equalBytes(m.from, m.to)) throw new QuarryError('E_INVALID_MSG', 'source and destination are the same validator');
    const params = await getStakingParams(ctx.state);
    const { remaining } = await removeStake(ctx.state, m.from, ctx.signer, m.amount);
    if (equalBytes(m.from, ctx.signer) && remaining < params.minSelfBond) throw new QuarryError('E_INVALID_MSG', 'an operator cannot redelegate its minimum self-bond away');
    await addStake(ctx.state, m.to, ctx.signer, m.amount, BONDED_POOL);
    ctx.emit({ type: 'redelegate', delegator: encodeAddress(ctx.signer), from: encodeAddress(m.from), to: encodeAddress(m.to), amount: m.amount.toString() });
  },
});
