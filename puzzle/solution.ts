/**
 * Solutions as carried by the RPC, gossip and blocks (docs/puzzle.md §solutions):
 * `{body: {epoch, address, nonce, proof}, pubKey, signature}`, signed with the ed25519 key of
 * `address` over "quarry/solution/v1" ‖ cbor({chainId, body}). The statement is (challenge of the
 * epoch, address, nonce); its id is the solution id, so one statement can be paid once.
 */
import { bytes, struct, u64, type Infer } from '../protocol/encoding/schema.ts';
import { decodeAs, encode } from '../protocol/encoding/cbor.ts';
import { concatBytes, equalBytes } from '../protocol/encoding/bytes.ts';
import { tagPrefix, taggedHash } from '../node/crypto/hash.ts';
import { sign } from '../protocol/crypto/ed25519.ts';
import { verify } from '../node/crypto/ed25519.ts';
import { addressFromPubKey } from '../protocol/crypto/address.ts';
import { QuarryError } from '../protocol/errors.ts';
import { PROOF_BYTES } from '../protocol/proof-codec.ts';

export const solutionBodySchema = struct({ epoch: u64, address: bytes({ len: 20 }), nonce: u64, proof: bytes({ len: PROOF_BYTES }) });
export const solutionSchema = struct({ body: solutionBodySchema, pubKey: bytes({ len: 32 }), signature: bytes({ len: 64 }) });
export type SolutionBody = Infer<typeof solutionBodySchema>;
export type Solution = Infer<typeof solutionSchema>;
export const SOLUTION_MAX_BYTES = 512;

export function solutionId(body: Pick<SolutionBody, 'epoch' | 'address' | 'nonce'>): Uint8Array {
  return taggedHash('quarry/solution', encode({ epoch: body.epoch, address: body.address, nonce: body.nonce }));
}

function signBytes(chainId: string, body: SolutionBody): Uint8Array {
  return concatBytes(tagPrefix('quarry/solution/v1'), encode({ chainId, body }));
}

export function signSolution(chainId: string, body: SolutionBody, secretKey: Uint8Array, pubKey: Uint8Array): Uint8Array {
  return encode({ body, pubKey, signature: sign(signBytes(chainId, body), secretKey) } satisfies Solution);
}

/** Strict decode plus the stateless checks: the key must own the address and have signed. */
export function decodeSolution(bytes: Uint8Array, chainId: string): Solution {
  let s: Solution;
  try {
    s = decodeAs(solutionSchema, bytes, SOLUTION_MAX_BYTES);
  } catch (err) {
    const e = err as QuarryError;
    throw new QuarryError(e.code === 'E_TOO_LARGE' ? 'E_TOO_LARGE' : 'E_SOLUTION_ENCODING', e.message);
  }
  if (!equalBytes(addressFromPubKey(s.pubKey), s.body.address)) throw new QuarryError('E_BAD_SIGNATURE', 'the signing key does not own the solution address');
  if (!verify(s.signature, signBytes(chainId, s.body), s.pubKey)) throw new QuarryError('E_BAD_SIGNATURE', 'solution signature does not verify');
  return s;
}
