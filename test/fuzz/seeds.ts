/**
 * Valid seeds for every fuzzed surface, built the way the node builds them: signed transactions,
 * blocks and commit certificates from a real test chain, BLS-signed votes and proposals, signed
 * solutions, one message of every registered type, the devnet genesis file and config files.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { readFileSync } from 'node:fs';
import { encode } from '../../protocol/encoding/cbor.ts';
import { utf8 } from '../../protocol/encoding/bytes.ts';
import { sha256 } from '../../node/crypto/hash.ts';
import { blsSign } from '../../node/crypto/bls.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { PALLAS_PUBKEY_BYTES, PALLAS_SIGNATURE_BYTES } from '../../node/crypto/pallas.ts';
import { proposalSignBytes, voteSignBytes, type Vote, type UnsignedVote } from '../../consensus/messages.ts';
import { makeEvidence } from '../../consensus/evidence.ts';
import { signSolution } from '../../puzzle/solution.ts';
import { PROOF_BYTES } from '../../protocol/proof-codec.ts';
import { DEFAULT_CONFIG } from '../../node/config.ts';
import { genesisToJson } from '../../node/genesis.ts';
import { exampleCircuits } from '../../genesis/builder.ts';
import { CHAIN_ID, makeTx, openTestChain, sendMsg } from '../helpers/chain.ts';

import type { AccountKey, ValidatorKey } from '../../node/crypto/keyfile.ts';

export type SeedName =
  | 'tx' | 'block' | 'commit' | 'consensus' | 'evidence' | 'handoff' | 'status' | 'blocks-request' | 'blocks-response'
  | 'votes-request' | 'votes-response' | 'artifact-request' | 'artifact-response' | 'epoch-proof-request'
  | 'epoch-proof-response' | 'solution' | 'msg' | 'genesis' | 'config';
export type Seeds = Record<SeedName, Uint8Array[]>;

const h32 = (s: string) => sha256(utf8(s));
const addr = (u: AccountKey) => decodeAddress(u.address);

/** One message of every registered type (market, staking, bank); signatures inside are not checked at decode. */
function everyMsg(users: AccountKey[], v: ValidatorKey): AnyMsg[] {
  const [a, b] = [addr(users[0]!), addr(users[1]!)];
  const c = exampleCircuits()[0]!;
  const id = h32('circuit');
  const proof = { requestId: h32('request'), proof: new Uint8Array(256).fill(7), publicSignals: ['0', '21888242871839275222246405745257275088548364400416034343698204186575808495616'] };
  const msgs: Record<string, unknown>[] = [
    { type: 'bank/send', to: b, amount: 5n },
    { type: 'bank/multi-send', outputs: [{ to: a, amount: 1n }, { to: b, amount: 2n }] },
    { type: 'staking/create-validator', blsPubKey: v.blsPublicKey, proofOfPossession: v.proofOfPossession, pallasPubKey: new Uint8Array(PALLAS_PUBKEY_BYTES).fill(1), pallasProofOfPossession: new Uint8Array(PALLAS_SIGNATURE_BYTES).fill(2), commissionPpm: 100_000n, moniker: 'fuzz', selfBond: 1_000_000n },
    { type: 'staking/edit-validator', commissionPpm: 50_000n, moniker: 'edited' },
    { type: 'staking/delegate', validator: a, amount: 10n },
    { type: 'staking/undelegate', validator: a, amount: 10n },
    { type: 'staking/redelegate', from: a, to: b, amount: 10n },
    { type: 'staking/claim', validator: a },
    { type: 'staking/unjail' },
    { type: 'market/register-circuit', name: c.name, vk: c.vk, wasmHash: c.wasmHash, zkeyHash: c.zkeyHash, nOutputs: c.nOutputs, publicInputs: c.publicInputs },
    { type: 'market/bond', amount: 100_000_000n },
    { type: 'market/unbond', amount: 1n },
    { type: 'market/edit-prover', commissionPpm: 100_000n },
    { type: 'market/delegate-prover', prover: a, amount: 10n },
    { type: 'market/undelegate-prover', prover: a, amount: 10n },
    { type: 'market/claim-prover-rewards', prover: a },
    { type: 'market/prover-key', encryptionKey: h32('x25519') },
    { type: 'market/seal', requestId: proof.requestId, ephemeralKey: h32('ephemeral'), nonce: h32('nonce').slice(0, 24), ciphertext: h32('ciphertext') },
    { type: 'market/ask', circuitId: id, price: 100_000n, maxTurnaround: 5n, capacity: 2n },
    { type: 'market/request-proof', circuitId: id, inputs: [{ name: 'x', values: ['42'] }, { name: 'w', values: ['1', '2'] }], minPrice: 1n, maxPrice: 10n, rampBlocks: 4n, lockBlocks: 5n, deadlineBlocks: 20n, collateral: 500_000n, minReputationPpm: 0n, escalationCap: 10n, reservation: null, mode: 'book', winners: 1n, sealed: null },
    { type: 'market/cancel', requestId: proof.requestId },
    { type: 'market/lock', requestId: proof.requestId },
    { type: 'market/decline', requestId: proof.requestId },
    { type: 'market/fulfill', ...proof },
    { type: 'market/commit-fill', requestId: proof.requestId, commitment: h32('commitment') },
    { type: 'market/reveal-fill', ...proof, salt: h32('salt') },
    { type: 'market/offer-capacity', circuitId: id, count: 3n, price: 100n, turnaround: 4n, endBlocks: 50n, collateralPerProof: 10n },
    { type: 'market/reserve', offerId: h32('offer'), count: 1n },
  ];
  return msgs as unknown as AnyMsg[];
}

function vote(v: ValidatorKey, unsigned: UnsignedVote): Vote {
  return { ...unsigned, signature: blsSign(voteSignBytes(CHAIN_ID, unsigned), v.blsSecretKey) };
}

export async function buildSeeds(): Promise<Seeds> {
  const t = await openTestChain();
  try {
    const [u0, u1, u2] = t.users as [AccountKey, AccountKey, AccountKey];
    const msgs = everyMsg(t.users, t.validator);
    const txs = [
      makeTx(u0, [sendMsg(u1, 10n)], { sequence: 0n }),
      makeTx(u1, msgs.slice(0, 2), { sequence: 0n, expiresAtHeight: 50n }),
      makeTx(u2, msgs.slice(9, 16), { sequence: 0n, fee: 1_000_000n }),
      makeTx(u2, msgs.slice(16), { sequence: 1n, fee: 1_000_000n }),
    ];
    await t.produce(txs.slice(0, 2));
    await t.produce([makeTx(u0, [sendMsg(u2, 3n)], { sequence: 1n })]);
    const blocks = [1n, 2n].map((h) => t.chain.getBlockBytes(h));
    const [b1, b2] = (await Promise.all(blocks)) as [Uint8Array, Uint8Array];
    const commit = (await t.chain.getCommit(2n))!;
    const hash = commit.blockHash;
    const prevote = vote(t.validator, { type: 'prevote', height: 3n, round: 0, blockHash: hash, validatorIndex: 0 });
    const precommit = vote(t.validator, { type: 'precommit', height: 2n, round: 1, blockHash: hash, validatorIndex: 0 });
    const nil = vote(t.validator, { type: 'prevote', height: 3n, round: 0, blockHash: null, validatorIndex: 0 });
    const unsignedProposal = { height: 3n, round: 0, polRound: null, blockHash: hash, proposerIndex: 0 };
    const proposal = { ...unsignedProposal, signature: blsSign(proposalSignBytes(CHAIN_ID, unsignedProposal), t.validator.blsSecretKey) };
    const relocked = { ...proposal, round: 2, polRound: 1 };
    const solutionBody = { epoch: 0n, address: addr(u0), nonce: 7n, proof: new Uint8Array(PROOF_BYTES).fill(3) };
    const config = [DEFAULT_CONFIG, {}, { rpc: { listen: '127.0.0.1:1' }, p2p: { peers: ['/ip4/127.0.0.1/tcp/26656'] }, consensus: { blockTimeMs: 500 } }];
    const json = (v: unknown) => utf8(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x), 2));
    return {
      tx: txs,
      block: [b1, b2],
      commit: [encode(commit)],
      consensus: [encode({ type: 'vote', vote: prevote }), encode({ type: 'vote', vote: nil }), encode({ type: 'proposal', proposal, block: b2 }), encode({ type: 'proposal', proposal: relocked, block: b1 })],
      evidence: [encode(makeEvidence(prevote, nil)), encode(makeEvidence(precommit, { ...precommit, blockHash: h32('other') }))],
      handoff: [encode({ epoch: 1n, index: 0, signature: new Uint8Array(PALLAS_SIGNATURE_BYTES).fill(9) })],
      status: [encode({ genesisHash: h32('genesis'), height: 2n, hash })],
      'blocks-request': [encode({ from: 1n, count: 100 })],
      'blocks-response': [encode({ blocks: [{ block: b1, commit: encode((await t.chain.getCommit(1n))!) }, { block: b2, commit: encode(commit) }] }), encode({ blocks: [] })],
      'votes-request': [encode({ height: 3n })],
      'votes-response': [encode({ proposals: [{ proposal, block: b2 }], votes: [prevote, nil, precommit] })],
      'artifact-request': [encode({ hash: h32('artifact') })],
      'artifact-response': [encode({ bytes: utf8('wasm bytes') }), encode({ bytes: null })],
      'epoch-proof-request': [encode({ epoch: 4n }), encode({ epoch: null })],
      'epoch-proof-response': [encode({ json: utf8('{"epoch":"4"}') }), encode({ json: null })],
      solution: [signSolution(CHAIN_ID, solutionBody, u0.secretKey, u0.publicKey)],
      msg: msgs.map((m) => encode(m)),
      genesis: [readFileSync(new URL('../../genesis/devnet.json', import.meta.url)), json(genesisToJson(t.genesis))],
      config: config.map(json),
    };
  } finally {
    await t.close();
  }
}
