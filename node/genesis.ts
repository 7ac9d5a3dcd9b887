/**
 * Genesis documents: the JSON file operators share (`genesis/devnet.json`) and the state it
 * creates at height 0. Amounts are decimal strings in JSON so no precision is lost.
 * The genesis hash (tagged SHA-256 of the canonical CBOR form) is block 1's prevHash.
 */
import { readFileSync } from 'node:fs';
import { QuarryError } from '../protocol/errors.ts';
import { encode } from '../protocol/encoding/cbor.ts';
import { fromHex, toHex } from '../protocol/encoding/bytes.ts';
import { taggedHash } from './crypto/hash.ts';
import { decodeAddress, encodeAddress } from '../protocol/crypto/address.ts';
import { blsVerifyProofOfPossession } from './crypto/bls.ts';
import { pallasVerifyProofOfPossession } from './crypto/pallas.ts';
import { recordGenesisEpoch } from './modules/epoch/state.ts';
import { Overlay, type StateReader } from './state/view.ts';
import { NO_ID } from './state/record.ts';
import { mint } from './modules/bank/account.ts';
import { chainParams, DEFAULT_CHAIN_PARAMS, type ChainParams } from './modules/chain-params.ts';
import { activeSet } from './modules/validators.ts';
import { CHAIN_ID_PATTERN } from '../protocol/tx.ts';
import type { Validator } from '../consensus/validator-set.ts';
import { puzzleParams, puzzleTargets, type PuzzleParamsRecord } from './modules/puzzle/state.ts';
import { initialTargets } from '../puzzle/target.ts';
import { CIRCUITS, type CircuitName } from '../circuits/catalog.ts';
import { DEFAULT_STAKING_PARAMS, stakingParams, type StakingParams } from './modules/staking/state.ts';
import { registerValidator } from './modules/staking/register.ts';
import { checkMarketParams } from './modules/market/economics.ts';
import { DEFAULT_MARKET_PARAMS, circuitList, circuits as circuitsRecord, marketParams, type MarketParams } from './modules/market/state.ts';
import { circuitIdOf } from '../protocol/verification-key.ts';
import { addStake } from './modules/staking/bonding.ts';

export interface GenesisCircuit {
  name: string;
  vk: Uint8Array;
  wasmHash: Uint8Array;
  zkeyHash: Uint8Array;
  nOutputs: number;
  publicInputs: string[];
}

export interface GenesisValidator extends Validator {
  proofOfPossession: Uint8Array;
  /** Pallas session key for epoch handoffs and its proof of possession (docs/epochs.md §keys). */
  pallasPubKey: Uint8Array;
  pallasProofOfPossession: Uint8Array;
}

export interface Genesis {
  chainId: string;
  genesisTime: bigint;
  params: { chain: ChainParams; puzzle: PuzzleParamsRecord; staking: StakingParams; market: MarketParams };
  /** Proof-market circuits registered at genesis. */
  circuits: GenesisCircuit[];
  /** Which committed circuit artifacts implement params.puzzle.circuitId. */
  puzzleCircuit: CircuitName;
  accounts: Array<{ address: Uint8Array; balance: bigint }>;
  validators: GenesisValidator[];
}

/** JSON shape of a genesis file. */
export interface GenesisJson {
  chainId: string;
  genesisTime: string;
  params: {
    chain: Record<keyof ChainParams, string>;
    puzzle: Record<Exclude<keyof PuzzleParamsRecord, 'circuitId'>, string> & { circuit: string; circuitId: string };
    staking?: Partial<Record<keyof StakingParams, string>>;
    market?: Partial<Record<keyof MarketParams, string>>;
  };
  circuits?: Array<{ name: string; vk: string; wasmHash: string; zkeyHash: string; nOutputs: number; publicInputs: string[] }>;
  accounts: Array<{ address: string; balance: string }>;
  validators: Array<{ address: string; blsPubKey: string; proofOfPossession: string; pallasPubKey: string; pallasProofOfPossession: string; power: string }>;
}

function amount(text: unknown, what: string): bigint {
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(text) || BigInt(text) >= 1n << 64n) {
    throw new QuarryError('E_CONFIG', `genesis: ${what} must be a decimal string of an unsigned 64-bit integer`);
  }
  return BigInt(text);
}

// The file is untrusted JSON: every shape is checked so a malformed file is E_CONFIG, never a TypeError.
function object<T extends object>(v: T | undefined, what: string, optional = false): T | undefined {
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new QuarryError('E_CONFIG', `genesis: ${what} must be an object`);
  return v;
}

function list<T>(v: T[] | undefined, what: string): T[] {
  if (v !== undefined && !Array.isArray(v)) throw new QuarryError('E_CONFIG', `genesis: ${what} must be a list`);
  return (v ?? []).map((x, i) => object(x as T & object, `${what}[${i}]`)!);
}

function hex(v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(v)) throw new QuarryError('E_CONFIG', `genesis: ${what} must be a hex string`);
  return fromHex(v);
}

function address(v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string') throw new QuarryError('E_CONFIG', `genesis: ${what} must be a qry1… address`);
  return decodeAddress(v);
}

/** `draft` accepts a file still being built (no validators yet). */
export function parseGenesis(json: GenesisJson, opts: { draft?: boolean } = {}): Genesis {
  object(json, 'the document');
  object(json.params, 'params');
  if (typeof json.chainId !== 'string' || !CHAIN_ID_PATTERN.test(json.chainId)) throw new QuarryError('E_CONFIG', `genesis: chainId must match ${CHAIN_ID_PATTERN}`);
  const chain = { ...DEFAULT_CHAIN_PARAMS };
  for (const [k, v] of Object.entries(object(json.params.chain, 'params.chain', true) ?? {})) {
    if (!Object.hasOwn(chain, k)) throw new QuarryError('E_CONFIG', `genesis: unknown chain parameter "${k}"`);
    chain[k as keyof ChainParams] = amount(v, `params.chain.${k}`);
  }
  if (chain.epochLength === 0n) throw new QuarryError('E_CONFIG', 'genesis: epochLength must be positive');
  const validators = list(json.validators, 'validators').map((v, i) => ({
    address: address(v.address, `validators[${i}].address`),
    blsPubKey: hex(v.blsPubKey, `validators[${i}].blsPubKey`),
    proofOfPossession: hex(v.proofOfPossession, `validators[${i}].proofOfPossession`),
    pallasPubKey: hex(v.pallasPubKey ?? '', `validators[${i}].pallasPubKey`),
    pallasProofOfPossession: hex(v.pallasProofOfPossession ?? '', `validators[${i}].pallasProofOfPossession`),
    power: amount(v.power, `validators[${i}].power`),
  }));
  if (validators.length === 0 && !opts.draft) throw new QuarryError('E_CONFIG', 'genesis: at least one validator is required');
  validators.forEach((v, i) => {
    if (v.power === 0n) throw new QuarryError('E_CONFIG', `genesis: validators[${i}] has zero power`);
    if (!blsVerifyProofOfPossession(v.blsPubKey, v.proofOfPossession)) {
      throw new QuarryError('E_CONFIG', `genesis: validators[${i}] has an invalid BLS proof of possession`);
    }
  });
  const accounts = list(json.accounts, 'accounts').map((a, i) => ({ address: address(a.address, `accounts[${i}].address`), balance: amount(a.balance, `accounts[${i}].balance`) }));
  const { puzzle, circuit } = parsePuzzleParams(json.params.puzzle);
  const staking = overrideParams(DEFAULT_STAKING_PARAMS, object(json.params.staking, 'params.staking', true), 'staking');
  const market = overrideParams(DEFAULT_MARKET_PARAMS, object(json.params.market, 'params.market', true), 'market');
  checkMarketParams(market);
  const circuits = list(json.circuits, 'circuits').map((c, i) => {
    // the bounds of a market/register-circuit message: genesis registers circuits no laxer than a transaction
    if (typeof c.name !== 'string' || c.name.length > 64 || !Number.isInteger(c.nOutputs) || c.nOutputs < 0 || c.nOutputs > 64 || !Array.isArray(c.publicInputs) || c.publicInputs.length > 64 || !c.publicInputs.every((p) => typeof p === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(p))) throw new QuarryError('E_CONFIG', `genesis: circuits[${i}] is malformed`);
    return { name: c.name, vk: hex(c.vk, `circuits[${i}].vk`), wasmHash: hex(c.wasmHash, `circuits[${i}].wasmHash`), zkeyHash: hex(c.zkeyHash, `circuits[${i}].zkeyHash`), nOutputs: c.nOutputs, publicInputs: c.publicInputs };
  });
  if (staking.powerReduction === 0n || staking.downtimeWindow === 0n || staking.maxValidators === 0n) throw new QuarryError('E_CONFIG', 'genesis: powerReduction, downtimeWindow and maxValidators must be positive');
  return { chainId: json.chainId, genesisTime: amount(json.genesisTime, 'genesisTime'), params: { chain, puzzle, staking, market }, puzzleCircuit: circuit, circuits, accounts, validators };
}

function overrideParams<T extends Record<string, bigint>>(defaults: T, given: Partial<Record<keyof T, string>> | undefined, section: string): T {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given ?? {})) {
    if (!Object.hasOwn(out, k)) throw new QuarryError('E_CONFIG', `genesis: unknown ${section} parameter "${k}"`);
    (out as Record<string, bigint>)[k] = amount(v, `params.${section}.${k}`);
  }
  return out;
}

const PUZZLE_FIELDS = ['proverReward', 'initialCoinbaseTarget', 'minCoinbaseTarget', 'targetShift', 'maxSolutionsPerBlock', 'retargetWindow'] as const;

function parsePuzzleParams(given: GenesisJson['params']['puzzle'] | undefined): { puzzle: PuzzleParamsRecord; circuit: CircuitName } {
  if (given === undefined) throw new QuarryError('E_CONFIG', 'genesis: params.puzzle is required');
  const j = object(given, 'params.puzzle')!;
  if (typeof j.circuit !== 'string' || !Object.hasOwn(CIRCUITS, j.circuit)) throw new QuarryError('E_CONFIG', `genesis: params.puzzle.circuit must be one of ${Object.keys(CIRCUITS).join(', ')}`);
  if (typeof j.circuitId !== 'string' || !/^[0-9a-f]{64}$/.test(j.circuitId)) throw new QuarryError('E_CONFIG', 'genesis: params.puzzle.circuitId must be 64 hex characters');
  const known = new Set<string>([...PUZZLE_FIELDS, 'circuit', 'circuitId']);
  for (const k of Object.keys(j)) if (!known.has(k)) throw new QuarryError('E_CONFIG', `genesis: unknown puzzle parameter "${k}"`);
  const values = Object.fromEntries(PUZZLE_FIELDS.map((k) => [k, amount(j[k], `params.puzzle.${k}`)])) as Record<(typeof PUZZLE_FIELDS)[number], bigint>;
  if (values.retargetWindow === 0n || values.minCoinbaseTarget === 0n || values.targetShift > 32n) {
    throw new QuarryError('E_CONFIG', 'genesis: retargetWindow and minCoinbaseTarget must be positive and targetShift at most 32');
  }
  return { puzzle: { circuitId: fromHex(j.circuitId), ...values }, circuit: j.circuit as CircuitName };
}

export function genesisToJson(g: Genesis): GenesisJson {
  const chain = Object.fromEntries(Object.entries(g.params.chain).map(([k, v]) => [k, v.toString()])) as Record<keyof ChainParams, string>;
  const { circuitId, ...rest } = g.params.puzzle;
  const puzzle = { circuit: g.puzzleCircuit, circuitId: toHex(circuitId), ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v.toString()])) } as GenesisJson['params']['puzzle'];
  const strings = (o: Record<string, bigint>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.toString()]));
  return {
    chainId: g.chainId,
    genesisTime: g.genesisTime.toString(),
    params: { chain, puzzle, staking: strings(g.params.staking), market: strings(g.params.market) },
    circuits: g.circuits.map((c) => ({ ...c, vk: toHex(c.vk), wasmHash: toHex(c.wasmHash), zkeyHash: toHex(c.zkeyHash) })),
    accounts: g.accounts.map((a) => ({ address: encodeAddress(a.address), balance: a.balance.toString() })),
    validators: g.validators.map((v) => ({
      address: encodeAddress(v.address),
      blsPubKey: toHex(v.blsPubKey),
      proofOfPossession: toHex(v.proofOfPossession),
      pallasPubKey: toHex(v.pallasPubKey),
      pallasProofOfPossession: toHex(v.pallasProofOfPossession),
      power: v.power.toString(),
    })),
  };
}

export function loadGenesisFile(path: string, opts: { draft?: boolean } = {}): Genesis {
  let json: GenesisJson;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as GenesisJson;
  } catch (err) {
    throw new QuarryError('E_CONFIG', `cannot read genesis file ${path}: ${(err as Error).message}`);
  }
  return parseGenesis(json, opts);
}

export function genesisHash(g: Genesis): Uint8Array {
  return taggedHash('quarry/genesis', encode(g));
}

/** The state writes of height 0. */
export async function genesisState(g: Genesis, empty: StateReader): Promise<Overlay> {
  const state = new Overlay(empty);
  chainParams.put(state, NO_ID, g.params.chain);
  puzzleParams.put(state, NO_ID, g.params.puzzle);
  puzzleTargets.put(state, NO_ID, { ...initialTargets(g.params.puzzle), epoch: 0n });
  stakingParams.put(state, NO_ID, g.params.staking);
  marketParams.put(state, NO_ID, g.params.market);
  for (const c of g.circuits) {
    const id = circuitIdOf(c.vk, c.wasmHash);
    circuitsRecord.put(state, id, { ...c, owner: new Uint8Array(20), registeredAt: 0n });
    circuitList.put(state, NO_ID, { ids: [...((await circuitList.get(state, NO_ID))?.ids ?? []), id] });
  }
  for (const a of g.accounts) await mint(state, a.address, a.balance);
  for (const [i, v] of g.validators.entries()) await genesisValidator(state, g.params.staking, v, i);
  const validators = g.validators.map(({ address, blsPubKey, power }) => ({ address, blsPubKey, power }));
  activeSet.put(state, NO_ID, { validators, priorities: validators.map(() => 0n) });
  await recordGenesisEpoch(state, genesisHash(g), g.params.staking.maxValidators);
  return state;
}

/** A genesis validator is bonded with power × powerReduction uqry of self-stake, minted at genesis. */
async function genesisValidator(state: Overlay, params: StakingParams, v: GenesisValidator, i: number): Promise<void> {
  if (!(await pallasVerifyProofOfPossession(v.address, v.pallasPubKey, v.pallasProofOfPossession))) {
    throw new QuarryError('E_CONFIG', `genesis: validators[${i}] has an invalid Pallas proof of possession`);
  }
  const tokens = v.power * params.powerReduction;
  await mint(state, v.address, tokens);
  await registerValidator(state, params, { operator: v.address, blsPubKey: v.blsPubKey, pallasPubKey: v.pallasPubKey, moniker: encodeAddress(v.address).slice(0, 12), commissionPpm: 100_000n });
  await addStake(state, v.address, v.address, tokens);
}
