/**
 * Proof-market messages (docs/market.md). Field elements travel as decimal text, proofs as the
 * 256-byte canonical Groth16 encoding; weights price the pairing checks a fill costs.
 */
import { array, bytes, literal, nullable, struct, text, u64, uint, type Infer } from '../encoding/schema.ts';
import { taggedHash } from '../crypto/hash.ts';
import { msgSpec } from './spec.ts';

export const fieldText = text(78, /^(0|[1-9][0-9]*)$/);
export const inputsSchema = array(struct({ name: text(64, /^[A-Za-z_][A-Za-z0-9_]*$/), values: array(fieldText, 4096, 1) }), 64);
export type CircuitInputs = Infer<typeof inputsSchema>;
export const proofField = bytes({ len: 256 });
export const signalsField = array(fieldText, 4096);

const fillWeight = (m: { publicSignals: string[] }) => 30_000n + 100n * BigInt(m.publicSignals.length); // the pairing check

const registerCircuitSchema = struct({
  type: literal('market/register-circuit'),
  name: text(64),
  vk: bytes({ max: 16_384 }),
  wasmHash: bytes({ len: 32 }),
  zkeyHash: bytes({ len: 32 }),
  nOutputs: uint(64),
  publicInputs: array(text(64, /^[A-Za-z_][A-Za-z0-9_]*$/), 64),
});
export type RegisterCircuitMsg = Infer<typeof registerCircuitSchema>;
export const registerCircuitSpec = msgSpec<RegisterCircuitMsg>({
  type: 'market/register-circuit',
  schema: registerCircuitSchema,
  weight: (m) => 50_000n + BigInt(m.vk.length) * 10n,
});

const bondSchema = struct({ type: literal('market/bond'), amount: u64 });
export type BondMsg = Infer<typeof bondSchema>;
export const bondSpec = msgSpec<BondMsg>({ type: 'market/bond', schema: bondSchema, weight: () => 1_000n });

const unbondSchema = struct({ type: literal('market/unbond'), amount: u64 });
export type UnbondMsg = Infer<typeof unbondSchema>;
export const unbondSpec = msgSpec<UnbondMsg>({ type: 'market/unbond', schema: unbondSchema, weight: () => 1_000n });

const editProverSchema = struct({ type: literal('market/edit-prover'), commissionPpm: u64 });
export type EditProverMsg = Infer<typeof editProverSchema>;
export const editProverSpec = msgSpec<EditProverMsg>({ type: 'market/edit-prover', schema: editProverSchema, weight: () => 1_000n });

const delegateProverSchema = struct({ type: literal('market/delegate-prover'), prover: bytes({ len: 20 }), amount: u64 });
export type DelegateProverMsg = Infer<typeof delegateProverSchema>;
export const delegateProverSpec = msgSpec<DelegateProverMsg>({ type: 'market/delegate-prover', schema: delegateProverSchema, weight: () => 2_000n });

const undelegateProverSchema = struct({ type: literal('market/undelegate-prover'), prover: bytes({ len: 20 }), amount: u64 });
export type UndelegateProverMsg = Infer<typeof undelegateProverSchema>;
export const undelegateProverSpec = msgSpec<UndelegateProverMsg>({ type: 'market/undelegate-prover', schema: undelegateProverSchema, weight: () => 2_000n });

const claimProverRewardsSchema = struct({ type: literal('market/claim-prover-rewards'), prover: bytes({ len: 20 }) });
export type ClaimProverRewardsMsg = Infer<typeof claimProverRewardsSchema>;
export const claimProverRewardsSpec = msgSpec<ClaimProverRewardsMsg>({ type: 'market/claim-prover-rewards', schema: claimProverRewardsSchema, weight: () => 1_000n });

const proverKeySchema = struct({ type: literal('market/prover-key'), encryptionKey: bytes({ len: 32 }) });
export type ProverKeyMsg = Infer<typeof proverKeySchema>;
export const proverKeySpec = msgSpec<ProverKeyMsg>({ type: 'market/prover-key', schema: proverKeySchema, weight: () => 1_000n });

const sealSchema = struct({ type: literal('market/seal'), requestId: bytes({ len: 32 }), ephemeralKey: bytes({ len: 32 }), nonce: bytes({ len: 24 }), ciphertext: bytes({ max: 65_536 }) });
export type SealMsg = Infer<typeof sealSchema>;
export const sealSpec = msgSpec<SealMsg>({ type: 'market/seal', schema: sealSchema, weight: (m) => 2_000n + BigInt(m.ciphertext.length) });

const askSchema = struct({ type: literal('market/ask'), circuitId: bytes({ len: 32 }), price: u64, maxTurnaround: u64, capacity: u64 });
export type AskMsg = Infer<typeof askSchema>;
export const askSpec = msgSpec<AskMsg>({ type: 'market/ask', schema: askSchema, weight: () => 2_000n });

const requestProofSchema = struct({
  type: literal('market/request-proof'),
  circuitId: bytes({ len: 32 }),
  inputs: inputsSchema,
  minPrice: u64,
  maxPrice: u64,
  rampBlocks: u64,
  lockBlocks: u64,
  deadlineBlocks: u64,
  collateral: u64,
  minReputationPpm: u64,
  escalationCap: u64,
  reservation: nullable(bytes({ len: 32 })),
  /** `book` (order book and auction), `stake` (one prover drawn by stake) or `race` (bonded provers race), docs/market.md §selection. */
  mode: text(8, /^(book|stake|race)$/),
  /** Race mode: how many valid proofs share the price (1 otherwise). */
  winners: u64,
  /** Sealed private inputs: H(inputs ‖ salt); `inputs` then carries the public inputs only (docs/market.md §sealed). */
  sealed: nullable(bytes({ len: 32 })),
});
export type RequestProofMsg = Infer<typeof requestProofSchema>;
export const requestProofSpec = msgSpec<RequestProofMsg>({
  type: 'market/request-proof',
  schema: requestProofSchema,
  weight: (m) => 5_000n + 50n * BigInt(m.inputs.reduce((n, i) => n + i.values.length, 0)),
});

const cancelSchema = struct({ type: literal('market/cancel'), requestId: bytes({ len: 32 }) });
export type CancelMsg = Infer<typeof cancelSchema>;
export const cancelSpec = msgSpec<CancelMsg>({ type: 'market/cancel', schema: cancelSchema, weight: () => 1_000n });

const lockSchema = struct({ type: literal('market/lock'), requestId: bytes({ len: 32 }) });
export type LockMsg = Infer<typeof lockSchema>;
export const lockSpec = msgSpec<LockMsg>({ type: 'market/lock', schema: lockSchema, weight: () => 2_000n });

const declineSchema = struct({ type: literal('market/decline'), requestId: bytes({ len: 32 }) });
export type DeclineMsg = Infer<typeof declineSchema>;
export const declineSpec = msgSpec<DeclineMsg>({ type: 'market/decline', schema: declineSchema, weight: () => 1_000n });

const fulfillSchema = struct({ type: literal('market/fulfill'), requestId: bytes({ len: 32 }), proof: proofField, publicSignals: signalsField });
export type FulfillMsg = Infer<typeof fulfillSchema>;
export const fulfillSpec = msgSpec<FulfillMsg>({ type: 'market/fulfill', schema: fulfillSchema, weight: fillWeight });

const commitFillSchema = struct({ type: literal('market/commit-fill'), requestId: bytes({ len: 32 }), commitment: bytes({ len: 32 }) });
export type CommitFillMsg = Infer<typeof commitFillSchema>;
export const commitFillSpec = msgSpec<CommitFillMsg>({ type: 'market/commit-fill', schema: commitFillSchema, weight: () => 1_000n });

const revealFillSchema = struct({
  type: literal('market/reveal-fill'),
  requestId: bytes({ len: 32 }),
  proof: proofField,
  publicSignals: signalsField,
  salt: bytes({ len: 32 }),
});
export type RevealFillMsg = Infer<typeof revealFillSchema>;
export const revealFillSpec = msgSpec<RevealFillMsg>({ type: 'market/reveal-fill', schema: revealFillSchema, weight: fillWeight });

const offerCapacitySchema = struct({
  type: literal('market/offer-capacity'),
  circuitId: bytes({ len: 32 }),
  count: u64,
  price: u64,
  turnaround: u64,
  endBlocks: u64,
  collateralPerProof: u64,
});
export type OfferCapacityMsg = Infer<typeof offerCapacitySchema>;
export const offerCapacitySpec = msgSpec<OfferCapacityMsg>({ type: 'market/offer-capacity', schema: offerCapacitySchema, weight: () => 3_000n });

const reserveSchema = struct({ type: literal('market/reserve'), offerId: bytes({ len: 32 }), count: u64 });
export type ReserveMsg = Infer<typeof reserveSchema>;
export const reserveSpec = msgSpec<ReserveMsg>({ type: 'market/reserve', schema: reserveSchema, weight: () => 2_000n });

/** Id of the request a `market/request-proof` creates: from its transaction hash and message index. */
export function requestId(txHash: Uint8Array, msgIndex: number): Uint8Array {
  return taggedHash('quarry/market/request', txHash, new Uint8Array([msgIndex]));
}
