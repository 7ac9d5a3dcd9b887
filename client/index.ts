/**
 * The Quarry client SDK (package entry `quarry/client`): read with `QuarryClient`, sign and send
 * with `SigningQuarryClient` and an `Ed25519Wallet`, amounts in uqry as bigint. See the README's
 * SDK section for examples.
 */
export { QuarryClient, type Subscription, type SubscribeOptions } from './quarry-client.ts';
export { SigningQuarryClient, type BroadcastOptions } from './signing-client.ts';
export { Ed25519Wallet } from './wallet.ts';
export { QuarryClientError, RpcError, TxFailedError, TimeoutError, AmountError } from './errors.ts';
export { parseAmount, formatAmount, UQRY_PER_QRY } from './amount.ts';
export { poseidonHash } from './poseidon.ts';
export { canonicalInputs, type ProofRequestSpec, type DeliveredProof, type InputValue } from './market.ts';
export { verifyAccountProof } from './account-proof.ts';
export type { TxResult, Signer } from './tx-builder.ts';
export type { Msg } from '../node/modules/types.ts';
export type * from './types.ts';
