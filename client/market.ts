/**
 * Proof-market helpers for clients (the SDK's `requestProof` / `waitForProof` build on these):
 * turn an inputs object into the canonical request form, post a request, and wait for its proof.
 */
import { fromHex, toHex } from '../protocol/encoding/bytes.ts';
import { requestId as deriveRequestId, type RequestProofMsg } from '../protocol/messages/market.ts';
import { decodeProof, toSnarkjs, type SnarkjsProof } from '../protocol/proof-codec.ts';
import type { MarketRequest } from '../protocol/rpc-types.ts';
import type { RpcClient } from './rpc.ts';
import { QuarryClientError, TimeoutError, TxFailedError } from './errors.ts';
import { broadcastTx, buildTx, type Signer, type TxOptions, type TxResult } from './tx-builder.ts';

export type InputValue = bigint | number | string | Array<bigint | number | string>;

export interface ProofRequestSpec {
  circuitId: string;
  /** Input signals by name: every one, or with `privateInputs` the public ones only. */
  inputs: Record<string, InputValue>;
  /**
   * Private inputs kept off the chain (docs/market.md §sealed): the request carries their
   * commitment, and `SigningQuarryClient.requestProof` seals them to whichever prover locks it.
   */
  privateInputs?: Record<string, InputValue>;
  maxPrice: bigint;
  minPrice?: bigint;
  rampBlocks?: bigint;
  lockBlocks?: bigint;
  deadlineBlocks?: bigint;
  /** Default maxPrice; the chain raises a lock's collateral to at least its protocol share of the price. */
  collateral?: bigint;
  minReputationPpm?: bigint;
  escalationCap?: bigint;
  reservation?: string;
  /** `book` (default: the order book, then the auction) or `stake` (one prover drawn by stake at the request's maxPrice), docs/market.md §selection. */
  mode?: 'book' | 'stake' | 'race';
  /** Race mode: how many valid proofs share the price (default 1). */
  winners?: bigint;
  /** Sealed private inputs' commitment `sealedCommitment(private, salt)`, when sealing them yourself (`privateInputs` does it for you). */
  sealed?: Uint8Array;
}

/** Inputs in canonical order (by name), values as decimal strings. */
export function canonicalInputs(inputs: Record<string, InputValue>): Array<{ name: string; values: string[] }> {
  return Object.keys(inputs)
    .sort()
    .map((name) => {
      const v = inputs[name]!;
      return { name, values: (Array.isArray(v) ? v : [v]).map((x) => BigInt(x).toString()) };
    });
}

export function requestProofMsg(s: ProofRequestSpec): RequestProofMsg {
  return {
    type: 'market/request-proof',
    circuitId: fromHex(s.circuitId),
    inputs: canonicalInputs(s.inputs),
    minPrice: s.minPrice ?? s.maxPrice / 2n,
    maxPrice: s.maxPrice,
    rampBlocks: s.rampBlocks ?? 10n,
    lockBlocks: s.lockBlocks ?? 10n,
    deadlineBlocks: s.deadlineBlocks ?? 100n,
    collateral: s.collateral ?? s.maxPrice,
    minReputationPpm: s.minReputationPpm ?? 0n,
    escalationCap: s.escalationCap ?? s.maxPrice * 2n,
    reservation: s.reservation ? fromHex(s.reservation) : null,
    mode: s.mode ?? 'book',
    winners: s.winners ?? 1n,
    sealed: s.sealed ?? null,
  };
}

/** Posts a proof request and waits for its block; returns the request id. */
export async function requestProof(rpc: RpcClient, signer: Signer, spec: ProofRequestSpec, opts: TxOptions = {}): Promise<{ requestId: string; tx: TxResult }> {
  const { bytes } = await buildTx(rpc, signer, [requestProofMsg(spec)], opts);
  const tx = (await broadcastTx(rpc, bytes)) as TxResult;
  if (tx.result.code !== 'OK') throw new TxFailedError(tx.result.code, `request refused: ${tx.result.log}`, tx.hash, tx.height);
  return { requestId: toHex(deriveRequestId(fromHex(tx.hash), 0)), tx };
}

export interface DeliveredProof {
  proof: string;
  publicSignals: string[];
  prover: string;
  price: string;
}

/** Polls the request until it is fulfilled (or ends without a proof, or the timeout passes). */
export async function waitForProof(rpc: RpcClient, requestId: string, timeoutMs = 120_000, pollMs = 500): Promise<DeliveredProof> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await rpc.get<MarketRequest>(`/market/requests/${requestId}`);
    if (r.status === 'fulfilled' && r.proof) return { ...r.proof, prover: r.filledBy!, price: r.paid };
    if (r.status === 'expired' || r.status === 'cancelled') throw new QuarryClientError('E_EXPIRED', `request ${requestId.slice(0, 16)} ended ${r.status} without a proof`);
    if (Date.now() > end) throw new TimeoutError(`no proof for ${requestId.slice(0, 16)} within ${timeoutMs} ms (status ${r.status})`);
    await new Promise((res) => setTimeout(res, pollMs));
  }
}

/**
 * A delivered proof's canonical bytes (hex, docs/puzzle.md §encoding) as the JSON snarkjs takes:
 * `snarkjs.groth16.verify(vk, proof.publicSignals, proofToSnarkjs(proof.proof))`. Throws
 * E_SOLUTION_ENCODING for bytes that are not a valid proof.
 */
export function proofToSnarkjs(proofHex: string): SnarkjsProof {
  return toSnarkjs(decodeProof(fromHex(proofHex)));
}
