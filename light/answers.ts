/**
 * The light daemon's verified answers as JSON (docs/epochs.md §daemon), shared by its local HTTP
 * API (serve.ts) and the browser explorer (web/), which runs the same daemon core in the page.
 * Each is checked against the newest header verified from genesis and carries it as `verified`;
 * a failed check throws its LightClientError, bad input E_BAD_REQUEST / E_DECODE, and a request
 * proven absent E_NOT_FOUND.
 */
import { QuarryError } from '../protocol/errors.ts';
import { fromHex, toHex } from '../protocol/encoding/bytes.ts';
import { decodeAddress, encodeAddress } from '../protocol/crypto/address.ts';
import { marketRequestJson } from '../node/rpc/json.ts';
import { requestProofs, requests, type ProofRequest } from '../node/modules/market/state.ts';
import type { Head, LightDaemon } from './daemon.ts';

const HEX32 = /^[0-9a-f]{64}$/;

export interface VerifiedJson {
  epoch: string;
  height: string;
  header: string;
  stateRoot: string;
  time: string;
}

export function verifiedJson(h: Head): VerifiedJson {
  return { epoch: h.epoch.toString(), height: h.height.toString(), header: h.hash, stateRoot: toHex(h.stateRoot), time: h.time.toString() };
}

function hash32(v: string, what: string): Uint8Array {
  const s = v.toLowerCase();
  if (!HEX32.test(s)) throw new QuarryError('E_BAD_REQUEST', `${what} must be 64 hex characters`);
  return fromHex(s);
}

export function headerAnswer(daemon: LightDaemon, height?: string) {
  if (height !== undefined && !/^\d{1,19}$/.test(height)) throw new QuarryError('E_BAD_REQUEST', 'height must be a whole number');
  return { verified: verifiedJson(daemon.header(height === undefined ? undefined : BigInt(height))) };
}

export function validatorsAnswer(daemon: LightDaemon) {
  const v = daemon.validators();
  return { epoch: v.epoch.toString(), members: v.members.map((m) => ({ address: encodeAddress(m.address), power: m.power.toString() })), verified: verifiedJson(daemon.head()) };
}

export async function accountAnswer(daemon: LightDaemon, address: string) {
  decodeAddress(address); // E_DECODE for a bad address, before any fetch
  const a = await daemon.account(address);
  return { address, balance: a.balance.toString(), sequence: a.sequence.toString(), verified: verifiedJson(a.head) };
}

export async function txAnswer(daemon: LightDaemon, hash: string) {
  hash32(hash, 'transaction hash');
  const t = await daemon.txInclusion(hash.toLowerCase());
  return { hash: hash.toLowerCase(), included: true, height: t.height.toString(), index: t.index, verified: verifiedJson(t.head) };
}

/** A proof request and its delivered proof, both proven in the verified state root. */
export async function marketRequestAnswer(daemon: LightDaemon, idHex: string) {
  const id = hash32(idHex, 'request id');
  const r = await daemon.record(requests, id);
  if (!r.value) throw new QuarryError('E_NOT_FOUND', `no request ${idHex} in the verified state (proven absent)`);
  const delivered = await daemon.record(requestProofs, id);
  const proof = delivered.value && { proof: toHex(delivered.value.proof), publicSignals: delivered.value.publicSignals };
  return { ...marketRequestJson(id, r.value as ProofRequest, r.head.height + 1n), proof, verified: verifiedJson(r.head) };
}
