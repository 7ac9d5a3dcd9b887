/**
 * Genesis builder: creates and edits genesis documents, and derives the devnet's well-known keys.
 * DEVNET KEYS ARE PUBLIC (derived from fixed strings): never use them for anything of value.
 */
import { sha256 } from '../node/crypto/hash.ts';
import { utf8 } from '../protocol/encoding/bytes.ts';
import { generateKeyPair } from '../protocol/crypto/ed25519.ts';
import { accountKeyFromPair, validatorKeyFromSecret, validatorRegistration, type AccountKey, type ValidatorKey, type ValidatorRegistration } from '../node/crypto/keyfile.ts';
import { decodeAddress } from '../protocol/crypto/address.ts';
import { blsKeyGen } from '../node/crypto/bls.ts';
import { DEFAULT_CHAIN_PARAMS } from '../node/modules/chain-params.ts';
import { DEFAULT_STAKING_PARAMS } from '../node/modules/staking/state.ts';
import { DEFAULT_MARKET_PARAMS } from '../node/modules/market/state.ts';
import type { GenesisCircuit } from '../node/genesis.ts';
import { canonicalVk } from '../protocol/verification-key.ts';
import { readFileSync } from 'node:fs';
import { fromHex } from '../protocol/encoding/bytes.ts';
import { sha256File, verifyArtifacts } from '../circuits/artifacts.ts';
import { QuarryError } from '../protocol/errors.ts';
import type { Genesis } from '../node/genesis.ts';
import type { PuzzleParamsRecord } from '../node/modules/puzzle/state.ts';
import type { CircuitName } from '../circuits/artifacts.ts';
import { loadCircuit } from '../puzzle/circuit.ts';

export const DEVNET_CHAIN_ID = 'quarry-devnet-1';
/** 2026-11-26T00:00:00Z: fixed so the devnet genesis (and its hash) is reproducible. */
export const DEVNET_GENESIS_TIME = 1_795_651_200_000n;
export const DEVNET_FAUCET_BALANCE = 1_000_000_000n * 1_000_000n; // 1e9 QRY
export const DEVNET_VALIDATOR_BALANCE = 1_000_000n * 1_000_000n;
/** Each devnet miner account (`miner-0` … `miner-7`): enough for its market bond and fees. */
export const DEVNET_MINER_BALANCE = 10_000n * 1_000_000n;
export const DEVNET_MAX_MINERS = 8;
export const DEVNET_EPOCH_LENGTH = 200n;

export function devnetAccount(name: string): AccountKey {
  return accountKeyFromPair(name, generateKeyPair(sha256(utf8(`quarry/devnet/account/${name}`))));
}

export function devnetValidatorKey(index: number): ValidatorKey {
  return validatorKeyFromSecret(blsKeyGen(sha256(utf8(`quarry/devnet/validator/${index}`))).secretKey);
}

/**
 * Puzzle defaults sized for a devnet on this 2-core machine (docs/puzzle.md §parameters): about
 * 2 solutions per block expected (k = 1), each at least 4 proofs of work, so a single miner thread
 * (≈0.35 proofs/s) finds one every ~11 s and validators audit one every few seconds at most.
 */
export function defaultPuzzleParams(circuit: CircuitName): PuzzleParamsRecord {
  return {
    circuitId: loadCircuit(circuit).id,
    proverReward: 2_000_000n,
    initialCoinbaseTarget: 8n,
    minCoinbaseTarget: 8n,
    targetShift: 1n,
    maxSolutionsPerBlock: 8n,
    retargetWindow: 16n,
  };
}

export function newGenesis(chainId: string, genesisTime: bigint, circuit: CircuitName = 'posw'): Genesis {
  return {
    chainId,
    genesisTime,
    params: { chain: { ...DEFAULT_CHAIN_PARAMS }, puzzle: defaultPuzzleParams(circuit), staking: { ...DEFAULT_STAKING_PARAMS }, market: { ...DEFAULT_MARKET_PARAMS } },
    puzzleCircuit: circuit,
    circuits: exampleCircuits(),
    accounts: [],
    validators: [],
  };
}

export function addAccount(g: Genesis, address: string, balance: bigint): Genesis {
  const addr = decodeAddress(address);
  if (g.accounts.some((a) => Buffer.compare(a.address, addr) === 0)) throw new QuarryError('E_CONFIG', `account ${address} is already in genesis`);
  return { ...g, accounts: [...g.accounts, { address: addr, balance }] };
}

export function addValidator(g: Genesis, operator: string, key: ValidatorRegistration, power: bigint): Genesis {
  const address = decodeAddress(operator);
  if (g.validators.some((v) => Buffer.compare(v.address, address) === 0)) throw new QuarryError('E_CONFIG', `validator ${operator} is already in genesis`);
  return { ...g, validators: [...g.validators, { address, blsPubKey: key.blsPublicKey, proofOfPossession: key.proofOfPossession, pallasPubKey: key.pallasPubKey, pallasProofOfPossession: key.pallasProofOfPossession, power }] };
}

/** The devnet: a funded faucet and `validators` validators with well-known keys. */
export async function devnetGenesis(validators = 1): Promise<Genesis> {
  let g = newGenesis(DEVNET_CHAIN_ID, DEVNET_GENESIS_TIME);
  // 16 slots, not 64: room for the devnet's up to 16 validators, and a step proves up to four epochs;
  // 200-block epochs, not 100: the epoch prover shares 2 cores with the validators and the miner,
  // and keeps up only while a step (≈ 5½–10 min here) is shorter than four epochs (docs/epochs.md §keeping up)
  g = { ...g, params: { ...g.params, chain: { ...g.params.chain, epochLength: DEVNET_EPOCH_LENGTH }, staking: { ...g.params.staking, maxValidators: 16n } } };
  g = addAccount(g, devnetAccount('faucet').address, DEVNET_FAUCET_BALANCE);
  for (let j = 0; j < DEVNET_MAX_MINERS; j++) g = addAccount(g, devnetAccount(`miner-${j}`).address, DEVNET_MINER_BALANCE);
  for (let i = 0; i < validators; i++) {
    const operator = devnetAccount(`validator-${i}`).address;
    g = addAccount(g, operator, DEVNET_VALIDATOR_BALANCE);
    g = addValidator(g, operator, await validatorRegistration(devnetValidatorKey(i), decodeAddress(operator)), 100n);
  }
  return g;
}

/** The example market circuits, registered in devnet genesis (docs/market.md §examples). */
export function exampleCircuits(): GenesisCircuit[] {
  const spec = [
    { name: 'poseidon-preimage' as const, publicInputs: ['hash'] },
    { name: 'merkle-membership' as const, publicInputs: ['root'] },
    { name: 'bound-preimage' as const, publicInputs: ['hash', 'prover'] },
  ];
  return spec.map(({ name, publicInputs }) => {
    const f = verifyArtifacts(name);
    return {
      name,
      vk: canonicalVk(JSON.parse(readFileSync(f.vkey, 'utf8'))),
      wasmHash: fromHex(sha256File(f.wasm)),
      zkeyHash: fromHex(sha256File(f.zkey)),
      nOutputs: 0,
      publicInputs,
    };
  });
}
