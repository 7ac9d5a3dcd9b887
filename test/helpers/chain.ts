/** A real chain on a temporary LevelDB with funded users and one validator, for unit tests. */
import { equalBytes } from '../../protocol/encoding/bytes.ts';
import type { AnyMsg } from '../../protocol/messages/index.ts';
import type { HandoffSignature } from '../../node/modules/epoch/handoff.ts';
import { Database } from '../../node/store/db.ts';
import { Chain, type Candidate } from '../../node/chain/chain.ts';
import { BlockBuilder } from '../../node/chain/block-builder.ts';
import { decodeTx, signTx } from '../../node/tx/tx.ts';
import type { TxBody } from '../../protocol/tx.ts';
import { generateKeyPair } from '../../protocol/crypto/ed25519.ts';
import { accountKeyFromPair, validatorRegistration, type AccountKey, type ValidatorKey } from '../../node/crypto/keyfile.ts';
import { devnetValidatorKey, addAccount, addValidator, newGenesis } from '../../genesis/builder.ts';
import { blsSign } from '../../node/crypto/bls.ts';
import { voteSignBytes } from '../../consensus/messages.ts';
import { buildCommit } from '../../consensus/commit.ts';
import type { ChainParams } from '../../node/modules/chain-params.ts';
import type { Genesis } from '../../node/genesis.ts';
import type { ProofVerifier } from '../../node/modules/types.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { tempDir } from './tmp.ts';
import { LazyChecker } from '../../node/puzzle/checker.ts';
import { Groth16Verifier } from '../../node/market/groth16-verifier.ts';
import type { PuzzleParamsRecord } from '../../node/modules/puzzle/state.ts';
import type { StakingParams } from '../../node/modules/staking/state.ts';
import type { MarketParams } from '../../node/modules/market/state.ts';
import type { Solution } from '../../puzzle/solution.ts';
import type { Evidence } from '../../consensus/evidence.ts';

export const CHAIN_ID = 'quarry-test-1';
export const USER_BALANCE = 1_000_000_000n;

export interface TestChain {
  builder: BlockBuilder;
  chain: Chain;
  db: Database;
  genesis: Genesis;
  users: AccountKey[];
  validator: ValidatorKey;
  operator: AccountKey;
  /** Builds a block from raw tx bytes (bad ones skipped), commits it with a real certificate. */
  produce(txs?: Uint8Array[], time?: bigint, solutions?: Solution[], evidence?: Evidence[], handoffs?: HandoffSignature[]): Promise<Candidate>;
  /** Signs a precommit for the candidate and commits it. */
  commitCandidate(candidate: Candidate): Promise<void>;
  close(): Promise<void>;
}

/** Tests run the small puzzle circuit (about 2^10 constraints). */
export const TEST_CIRCUIT = 'posw-small' as const;
/** One verifier for the whole test process, created the first time a solution is checked. */
export const testChecker = new LazyChecker(TEST_CIRCUIT);
let proofVerifier: Promise<Groth16Verifier> | null = null;
/** One Groth16 verifier (for market fills) shared by the test process. */
export function testProofVerifier(): Promise<Groth16Verifier> {
  proofVerifier ??= Groth16Verifier.create();
  return proofVerifier;
}

export async function makeGenesis(
  users: AccountKey[],
  operator: AccountKey,
  validator: ValidatorKey,
  params: Partial<ChainParams> = {},
  puzzle: Partial<PuzzleParamsRecord> = {},
  staking: Partial<StakingParams> = {},
  market: Partial<MarketParams> = {},
): Promise<Genesis> {
  let g = newGenesis(CHAIN_ID, 1_000n, TEST_CIRCUIT);
  g = { ...g, params: { ...g.params, chain: { ...g.params.chain, ...params }, puzzle: { ...g.params.puzzle, ...puzzle }, staking: { ...g.params.staking, ...staking }, market: { ...g.params.market, ...market } } };
  for (const u of users) g = addAccount(g, u.address, USER_BALANCE);
  return addValidator(addAccount(g, operator.address, USER_BALANCE), operator.address, await validatorRegistration(validator, decodeAddress(operator.address)), 100n);
}

/**
 * Each role derives its keys in its own seed domain (byte 4 of the seed), so two roles never share
 * a key whatever the indices: the operator cannot collide with any of `users`, however many.
 */
const KEY_DOMAIN = { user: 0, operator: 1, outsider: 2 } as const;
export type KeyRole = keyof typeof KEY_DOMAIN;

export function deterministicKey(role: KeyRole, i: number): AccountKey {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, i + 1);
  seed[4] = KEY_DOMAIN[role];
  return accountKeyFromPair(`${role}${i}`, generateKeyPair(seed));
}

export const deterministicUser = (i: number): AccountKey => deterministicKey('user', i);

export interface TestChainOptions {
  users?: number;
  params?: Partial<ChainParams>;
  puzzle?: Partial<PuzzleParamsRecord>;
  staking?: Partial<StakingParams>;
  market?: Partial<MarketParams>;
  /** More genesis validators (they never sign: `produce` commits with validator 0 alone). */
  extraValidators?: Array<{ key: ValidatorKey; operator: AccountKey; power: bigint }>;
  /** A stand-in for the Groth16 verifier (market simulations that skip real proving). */
  proofs?: ProofVerifier;
  path?: string;
}

export async function openTestChain(opts: TestChainOptions = {}): Promise<TestChain> {
  const dir = opts.path ? null : tempDir();
  const users = Array.from({ length: opts.users ?? 4 }, (_, i) => deterministicUser(i));
  const operator = deterministicKey('operator', 0);
  const validator = devnetValidatorKey(0);
  let genesis = await makeGenesis(users, operator, validator, opts.params, opts.puzzle, opts.staking, opts.market);
  for (const x of opts.extraValidators ?? []) genesis = addValidator(addAccount(genesis, x.operator.address, USER_BALANCE), x.operator.address, await validatorRegistration(x.key, decodeAddress(x.operator.address)), x.power);
  const db = await Database.open(opts.path ?? dir!.path);
  const chain = await Chain.open(db, genesis);
  const keys = [{ operator, key: validator }, ...(opts.extraValidators ?? [])];
  const beaconKeys = (proposer: Uint8Array) => keys.find((k) => equalBytes(decodeAddress(k.operator.address), proposer))?.key.blsSecretKey;
  const builder = new BlockBuilder(chain, { solutions: testChecker, proofs: opts.proofs ?? (await testProofVerifier()) }, beaconKeys);
  const t: TestChain = {
    chain,
    builder,
    db,
    genesis,
    users,
    validator,
    operator,
    async produce(txs = [], time, solutions = [], evidence = [], handoffs = []) {
      const candidate = await builder.buildBlock({ txs: txs.map((b) => decodeTx(b)), solutions, evidence, handoffs }, {
        time: time ?? chain.head.time + 1000n,
        proposer: decodeAddress(operator.address),
        lastCommit: (await chain.getCommit(chain.head.height)) ?? null,
      });
      await t.commitCandidate(candidate);
      return candidate;
    },
    async commitCandidate(candidate) {
      const height = candidate.block.header.height;
      const { set } = await chain.activeSet();
      const index = set.validators.findIndex((v) => Buffer.compare(v.blsPubKey, validator.blsPublicKey) === 0);
      const unsigned = { type: 'precommit' as const, height, round: 0, blockHash: candidate.hash, validatorIndex: index };
      const vote = { ...unsigned, signature: blsSign(voteSignBytes(CHAIN_ID, unsigned), validator.blsSecretKey) };
      await chain.commit(candidate, buildCommit(set, height, 0, candidate.hash, [vote]));
    },
    async close() {
      await db.close();
      dir?.cleanup();
    },
  };
  return t;
}

export interface TxSpec {
  sequence: bigint;
  fee?: bigint;
  expiresAtHeight?: bigint;
  chainId?: string;
}

export function makeTx(user: AccountKey, msgs: AnyMsg[], spec: TxSpec): Uint8Array {
  const body: TxBody = {
    chainId: spec.chainId ?? CHAIN_ID,
    signer: user.publicKey,
    sequence: spec.sequence,
    fee: spec.fee ?? 10_000n,
    expiresAtHeight: spec.expiresAtHeight ?? 0n,
    msgs,
  };
  return signTx(body, user.secretKey);
}

export function sendMsg(to: AccountKey, amount: bigint): AnyMsg {
  return { type: 'bank/send', to: decodeAddress(to.address), amount } as AnyMsg;
}
