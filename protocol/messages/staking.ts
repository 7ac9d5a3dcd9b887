/** Staking messages (docs/staking.md). Weights price the checks each one costs a validator. */
import { bytes, literal, struct, text, u64, type Infer } from '../encoding/schema.ts';
import { msgSpec } from './spec.ts';

export const PALLAS_PUBKEY_BYTES = 32;
export const PALLAS_SIGNATURE_BYTES = 64;

const createValidatorSchema = struct({
  type: literal('staking/create-validator'),
  blsPubKey: bytes({ len: 48 }),
  proofOfPossession: bytes({ len: 96 }),
  pallasPubKey: bytes({ len: PALLAS_PUBKEY_BYTES }),
  pallasProofOfPossession: bytes({ len: PALLAS_SIGNATURE_BYTES }),
  commissionPpm: u64,
  moniker: text(64),
  selfBond: u64,
});
export type CreateValidatorMsg = Infer<typeof createValidatorSchema>;
export const createValidatorSpec = msgSpec<CreateValidatorMsg>({
  type: 'staking/create-validator',
  schema: createValidatorSchema,
  weight: () => 30_000n, // pays for the BLS pairing and the Pallas Schnorr proof-of-possession checks
});

const editValidatorSchema = struct({ type: literal('staking/edit-validator'), commissionPpm: u64, moniker: text(64) });
export type EditValidatorMsg = Infer<typeof editValidatorSchema>;
export const editValidatorSpec = msgSpec<EditValidatorMsg>({ type: 'staking/edit-validator', schema: editValidatorSchema, weight: () => 500n });

const delegateSchema = struct({ type: literal('staking/delegate'), validator: bytes({ len: 20 }), amount: u64 });
export type DelegateMsg = Infer<typeof delegateSchema>;
export const delegateSpec = msgSpec<DelegateMsg>({ type: 'staking/delegate', schema: delegateSchema, weight: () => 1_000n });

const undelegateSchema = struct({ type: literal('staking/undelegate'), validator: bytes({ len: 20 }), amount: u64 });
export type UndelegateMsg = Infer<typeof undelegateSchema>;
export const undelegateSpec = msgSpec<UndelegateMsg>({ type: 'staking/undelegate', schema: undelegateSchema, weight: () => 1_500n });

const redelegateSchema = struct({ type: literal('staking/redelegate'), from: bytes({ len: 20 }), to: bytes({ len: 20 }), amount: u64 });
export type RedelegateMsg = Infer<typeof redelegateSchema>;
export const redelegateSpec = msgSpec<RedelegateMsg>({ type: 'staking/redelegate', schema: redelegateSchema, weight: () => 2_000n });

const claimSchema = struct({ type: literal('staking/claim'), validator: bytes({ len: 20 }) });
export type ClaimMsg = Infer<typeof claimSchema>;
export const claimSpec = msgSpec<ClaimMsg>({ type: 'staking/claim', schema: claimSchema, weight: () => 1_000n });

const unjailSchema = struct({ type: literal('staking/unjail') });
export type UnjailMsg = Infer<typeof unjailSchema>;
export const unjailSpec = msgSpec<UnjailMsg>({ type: 'staking/unjail', schema: unjailSchema, weight: () => 1_000n });
