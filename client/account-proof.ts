/**
 * Checks an account answer from `GET /accounts/:address?prove=true`: the state key is derived
 * from the address, the SMT proof must connect the returned record to the header's stateRoot, and
 * the record must decode to the balance and sequence the node reported. (Checking that the header
 * itself is final is the light client's job: docs/light-client.md.)
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bech32m } from '@scure/base';
import { decode } from 'cborg';
import { verifySmtProof, type SmtProof } from '../protocol/smt-verify.ts';
import { fromHex as hex, toHex } from '../protocol/encoding/bytes.ts';

export interface AccountProofJson {
  address: string;
  height: string;
  balance: string;
  sequence: string;
  proof: { key: string; value: string | null; siblings: string[]; leaf: { key: string; valueHash: string } | null };
  header?: { stateRoot: string; height: string; hash: string };
  genesis?: { stateRoot: string };
}

/** SMT key of a state record: SHA-256(len ‖ "quarry/state/<ns>" ‖ id), docs/state.md. */
export function stateKey(namespace: string, id: Uint8Array): Uint8Array {
  const tag = new TextEncoder().encode(`quarry/state/${namespace}`);
  return sha256.create().update(new Uint8Array([tag.length])).update(tag).update(id).digest();
}

export function verifyAccountProof(a: AccountProofJson): { ok: true; stateRoot: string } | { ok: false; reason: string } {
  const { prefix, words } = bech32m.decode(a.address as `${string}1${string}`);
  if (prefix !== 'qry') return { ok: false, reason: 'not a qry address' };
  const key = stateKey('account', bech32m.fromWords(words));
  if (toHex(key) !== a.proof.key) return { ok: false, reason: 'proof is for another key' };
  const root = a.header?.stateRoot ?? a.genesis?.stateRoot;
  if (!root) return { ok: false, reason: 'no state root to verify against' };
  const value = a.proof.value === null ? null : hex(a.proof.value);
  const proof: SmtProof = {
    siblings: a.proof.siblings.map(hex),
    leaf: a.proof.leaf ? { key: hex(a.proof.leaf.key), valueHash: hex(a.proof.leaf.valueHash) } : null,
  };
  const verdict = verifySmtProof(hex(root), key, value, proof);
  if (!verdict.ok) return verdict;
  const rec = value ? (decode(value) as { balance: number | bigint; sequence: number | bigint }) : { balance: 0, sequence: 0 };
  if (String(rec.balance) !== a.balance || String(rec.sequence) !== a.sequence) return { ok: false, reason: 'reported balance or sequence differs from the proven record' };
  return { ok: true, stateRoot: root };
}
