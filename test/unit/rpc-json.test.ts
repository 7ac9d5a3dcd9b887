/**
 * The RPC's JSON conventions (docs/rpc.md): 20-byte values are addresses, except a commit's signer
 * bitmap, which is hex at every length — a set of 153–160 validators makes it exactly 20 bytes,
 * and it was served as a `qry1…` address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitJson } from '../../node/rpc/json.ts';
import { signedCommit } from '../../tui/operator.ts';

test("a commit's signer bitmap is hex even when it is 20 bytes long", () => {
  const signers = new Uint8Array(20);
  signers[19] = 0b1000_0000; // validator 159 signed
  const json = commitJson({ height: 7n, round: 0, blockHash: new Uint8Array(32).fill(1), signers, signature: new Uint8Array(96) })!;
  assert.equal(json.signers, '00'.repeat(19) + '80');
  assert.equal(json.blockHash, '01'.repeat(32));
  assert.equal(json.height, '7');
  assert.equal(signedCommit(json, 159), true);
  assert.equal(signedCommit(json, 158), false);
  assert.equal(commitJson(null), null);
});
