/**
 * The Quarry client SDK (package `@quarry/sdk`; in this repository `client/index.ts`): read with
 * `QuarryClient`, sign and send with `SigningQuarryClient` and an `Ed25519Wallet` (or any
 * `Signer`), amounts in uqry as bigint. ESM only; runs in Node ≥ 20 and browsers. Every error it
 * throws is a `QuarryClientError` with a stable `code`. See the README's SDK section.
 */
export { QuarryClient, type Subscription, type SubscribeOptions } from './quarry-client.ts';
export { SigningQuarryClient, type BroadcastOptions, type FeePreview } from './signing-client.ts';
export { Ed25519Wallet } from './wallet.ts';
export { QuarryClientError, RpcError, TxFailedError, TimeoutError, AmountError } from './errors.ts';
export { parseAmount, formatAmount, UQRY_PER_QRY } from './amount.ts';
export { poseidonHash } from './poseidon.ts';
export { canonicalInputs, proofToSnarkjs, type ProofRequestSpec, type DeliveredProof, type InputValue } from './market.ts';
export { prepareSealed, Sealer, type SealedInputs, type SealerOptions } from './sealer.ts';
export { verifyBlockProofs, batchWeight } from './aggregate.ts';
export { verifyAccountProof } from './account-proof.ts';
export type { TxResult, Signer } from './tx-builder.ts';
export type { AnyMsg, MsgType, MsgOf } from '../protocol/messages/index.ts';
export type { MsgInput } from '../protocol/messages/input.ts';
export type { SnarkjsProof } from '../protocol/proof-codec.ts';
export type * from '../protocol/rpc-types.ts';
export { derivedEncryptionSecret, encryptionKeypair, encryptionPublicKey, openSeal, sealedCommitment, sealInputs, type Seal } from '../protocol/seal.ts';
