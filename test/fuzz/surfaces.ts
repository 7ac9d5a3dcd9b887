/**
 * The fuzzed surfaces: every decoder the node runs on untrusted bytes (docs/encoding.md, docs/p2p.md),
 * each with the byte cap it is called with, its documented refusal codes and its canonical check,
 * plus the genesis and config files through their real load paths.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAs, encode, DEFAULT_MAX_BYTES } from '../../protocol/encoding/cbor.ts';
import { equalBytes, toHex } from '../../protocol/encoding/bytes.ts';
import type { Schema } from '../../protocol/encoding/schema.ts';
import type { ErrorCode } from '../../protocol/errors.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { TX_DECODE_CAP } from '../../protocol/tx.ts';
import { BLOCK_DECODE_CAP, decodeBlock, encodeBlock, EVIDENCE_MAX_BYTES } from '../../node/types/block.ts';
import { commitSchema } from '../../consensus/messages.ts';
import { evidenceSchema } from '../../consensus/evidence.ts';
import { HANDOFF_MAX_BYTES, handoffSchema } from '../../node/modules/epoch/handoff.ts';
import * as p2p from '../../node/p2p/messages.ts';
import { decodeSolution } from '../../puzzle/solution.ts';
import { msgSchema } from '../../protocol/messages/index.ts';
import { DEFAULT_CONFIG, loadConfig } from '../../node/config.ts';
import { genesisHash, genesisToJson, loadGenesisFile, parseGenesis } from '../../node/genesis.ts';
import { DEFAULT_CHAIN_PARAMS } from '../../node/modules/chain-params.ts';
import { DEFAULT_STAKING_PARAMS } from '../../node/modules/staking/state.ts';
import { DEFAULT_MARKET_PARAMS } from '../../node/modules/market/state.ts';
import { CIRCUITS } from '../../circuits/artifacts.ts';
import { CHAIN_ID } from '../helpers/chain.ts';
import { mutateCbor, mutateJson } from './mutate.ts';
import type { Surface } from './runner.ts';
import type { SeedName, Seeds } from './seeds.ts';

/** What a strict CBOR decode may refuse with (docs/encoding.md §canonical CBOR). */
const CBOR_CODES: ErrorCode[] = ['E_DECODE', 'E_TOO_LARGE'];
/** Schemas holding a `type`-keyed union also refuse an unknown type. */
const UNION_CODES: ErrorCode[] = [...CBOR_CODES, 'E_UNKNOWN_MSG'];

function sameBytes(again: Uint8Array, bytes: Uint8Array): void {
  if (!equalBytes(again, bytes)) throw new Error(`re-encodes to ${toHex(again).slice(0, 200)}`);
}

function cbor<T>(name: SeedName, seeds: Seeds, decode: (b: Uint8Array) => T, codes: ErrorCode[], reencode: (v: T) => Uint8Array = encode): Surface {
  return { name, seeds: seeds[name], decode, codes, canonical: (v, b) => sameBytes(reencode(v as T), b), mutate: mutateCbor };
}

function schema<T>(name: SeedName, seeds: Seeds, s: Schema<T>, cap: number, codes = CBOR_CODES): Surface {
  return cbor(name, seeds, (b) => decodeAs(s, b, cap), codes);
}

/** Request bodies are read with this cap (node/p2p/network.ts REQUEST_MAX_BYTES). */
const REQUEST_CAP = 4096;

function genesisSurface(seeds: Seeds, dir: string): Surface {
  const path = join(dir, 'genesis.json');
  const keys = (o: object) => Object.keys(o).sort().join();
  return {
    name: 'genesis',
    seeds: seeds.genesis,
    codes: ['E_CONFIG', 'E_DECODE'],
    mutate: mutateJson,
    decode(b) {
      writeFileSync(path, b);
      return loadGenesisFile(path);
    },
    canonical(v) {
      const g = v as ReturnType<typeof parseGenesis>;
      // an accepted file sets known parameters only, and means the same after a round trip
      assert.equal(keys(g.params.chain), keys(DEFAULT_CHAIN_PARAMS));
      assert.equal(keys(g.params.staking), keys(DEFAULT_STAKING_PARAMS));
      assert.equal(keys(g.params.market), keys(DEFAULT_MARKET_PARAMS));
      assert.ok(Object.hasOwn(CIRCUITS, g.puzzleCircuit), `puzzle circuit ${g.puzzleCircuit}`);
      for (const c of g.circuits) assert.ok(c.publicInputs.every((p) => typeof p === 'string') && c.nOutputs >= 0, `circuit ${c.name}`);
      sameBytes(genesisHash(parseGenesis(genesisToJson(g))), genesisHash(g));
    },
  };
}

/** Every object in an accepted config has exactly the defaults' keys and value types; numbers are counts. */
function sameShape(v: unknown, d: unknown, path: string): void {
  if (Array.isArray(d)) return assert.ok(Array.isArray(v) && v.every((x) => typeof x === 'string'), `${path} is a list of strings`);
  if (typeof d === 'number') return assert.ok(Number.isSafeInteger(v) && (v as number) >= 0, `${path} is a non-negative integer`);
  if (typeof d !== 'object' || d === null) return assert.equal(typeof v, typeof d, `${path} type`);
  assert.ok(typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype, `${path} is a plain object`);
  assert.equal(Object.keys(v).sort().join(), Object.keys(d).sort().join(), `${path} keys`);
  for (const k of Object.keys(d)) sameShape((v as Record<string, unknown>)[k], (d as Record<string, unknown>)[k], `${path}.${k}`);
}

function configSurface(seeds: Seeds, home: string): Surface {
  mkdirSync(home, { recursive: true });
  return {
    name: 'config',
    seeds: seeds.config,
    codes: ['E_CONFIG'],
    mutate: mutateJson,
    decode(b) {
      writeFileSync(join(home, 'config.json'), b);
      return loadConfig(home);
    },
    canonical: (v) => sameShape(v, DEFAULT_CONFIG, 'config'),
  };
}

export function surfaces(seeds: Seeds, dir: string): Surface[] {
  return [
    cbor('tx', seeds, (b) => decodeTx(b), [...UNION_CODES, 'E_BAD_SIGNATURE'], (t) => encode(t.tx)),
    cbor('block', seeds, decodeBlock, CBOR_CODES, encodeBlock),
    schema('commit', seeds, commitSchema, DEFAULT_MAX_BYTES),
    // gossip topics (node/p2p/wire.ts); txs and solutions gossip through the tx and solution decoders
    cbor('consensus', seeds, (b) => decodeAs(p2p.consensusGossipSchema, b, b.length), UNION_CODES),
    schema('evidence', seeds, evidenceSchema, EVIDENCE_MAX_BYTES, UNION_CODES),
    schema('handoff', seeds, handoffSchema, HANDOFF_MAX_BYTES),
    // request/response bodies with the caps node/p2p/network.ts reads them with
    schema('status', seeds, p2p.statusSchema, 1024),
    schema('blocks-request', seeds, p2p.blocksRequestSchema, REQUEST_CAP),
    schema('blocks-response', seeds, p2p.blocksResponseSchema, BLOCK_DECODE_CAP * 2),
    schema('votes-request', seeds, p2p.votesRequestSchema, REQUEST_CAP),
    schema('votes-response', seeds, p2p.votesResponseSchema, BLOCK_DECODE_CAP * 2, UNION_CODES),
    schema('artifact-request', seeds, p2p.artifactRequestSchema, REQUEST_CAP),
    schema('artifact-response', seeds, p2p.artifactResponseSchema, 49 * 1024 * 1024),
    schema('epoch-proof-request', seeds, p2p.epochProofRequestSchema, REQUEST_CAP),
    schema('epoch-proof-response', seeds, p2p.epochProofResponseSchema, p2p.EPOCH_PROOF_MAX_BYTES + 1024),
    cbor('solution', seeds, (b) => decodeSolution(b, CHAIN_ID), ['E_SOLUTION_ENCODING', 'E_TOO_LARGE', 'E_BAD_SIGNATURE']),
    schema('msg', seeds, msgSchema, TX_DECODE_CAP, UNION_CODES),
    genesisSurface(seeds, dir),
    configSurface(seeds, join(dir, 'home')),
  ];
}
