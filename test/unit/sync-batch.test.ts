/**
 * Block sync checks a range's BLS signatures in one batch (docs/p2p.md §sync). The batch may only
 * ever save work: a signature is taken as checked only when the whole batch held, a batch with one
 * bad signature records nothing, and a range carrying a forged certificate or beacon is still
 * refused block by block with the same codes as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blsBatchSets, blsBatchValid, blsKeyGen, blsSign, blsVerify, blsVerifyAggregate, decodeBlsPublicKey, blsAggregate, recordPreverified, type BlsCheck } from '../../node/crypto/bls.ts';
import { openTestChain } from '../helpers/chain.ts';
import { preverifyRange, verifySynced } from '../../node/chain/apply-synced.ts';
import { utf8 } from '../../protocol/encoding/bytes.ts';
import type { Block } from '../../node/types/block.ts';
import type { CommitCertificate } from '../../consensus/messages.ts';

const keys = Array.from({ length: 3 }, (_, i) => blsKeyGen(new Uint8Array(32).fill(i + 1)));
const pk = (i: number) => decodeBlsPublicKey(keys[i]!.publicKey)!;
const msg = (s: string) => utf8(`quarry/test/${s}`);

/** What `preverifyRange` does with its checks, in line: batch them, record them only if all hold. */
function blsPreverify(checks: BlsCheck[]): boolean {
  const sets = blsBatchSets(checks);
  if (!sets || !blsBatchValid(sets)) return false;
  recordPreverified(sets);
  return true;
}

test('a batch records its signatures only when every one verifies', () => {
  const good = { signature: blsSign(msg('a'), keys[0]!.secretKey), message: msg('a'), publicKeys: [pk(0)] };
  const agg = { signature: blsAggregate([blsSign(msg('b'), keys[1]!.secretKey), blsSign(msg('b'), keys[2]!.secretKey)]), message: msg('b'), publicKeys: [pk(1), pk(2)] };
  const forged = { signature: blsSign(msg('c'), keys[0]!.secretKey), message: msg('c'), publicKeys: [pk(1)] }; // signed by 0, claimed by 1
  assert.equal(blsPreverify([good, agg, forged]), false);
  assert.equal(blsVerify(forged.signature, forged.message, pk(1)), false, 'nothing recorded for the forged one');
  assert.equal(blsPreverify([good, agg]), true);
  assert.equal(blsVerify(good.signature, good.message, pk(0)), true);
  assert.equal(blsVerifyAggregate(agg.signature, agg.message, [pk(1), pk(2)]), true);
  // recorded per (signature, message, key): the same signature under another key or message is checked afresh
  assert.equal(blsVerify(good.signature, good.message, pk(1)), false);
  assert.equal(blsVerify(good.signature, msg('other'), pk(0)), false);
  assert.equal(blsVerifyAggregate(agg.signature, agg.message, [pk(1)]), false);
  assert.equal(blsPreverify([{ ...good, signature: new Uint8Array(96) }]), false, 'an undecodable signature fails the batch');
  assert.equal(blsPreverify([]), true);
});

async function chainOf(blocks: number) {
  const source = await openTestChain();
  for (let i = 0; i < blocks; i++) await source.produce();
  const range: Array<{ block: Block; commit: CommitCertificate }> = [];
  for (let h = 1n; h <= BigInt(blocks); h++) range.push({ block: (await source.chain.getBlock(h))!.block, commit: (await source.chain.getCommit(h))! });
  return { source, range };
}

test('a synced range batch-checked applies as before; a forged certificate inside it fails the batch and is still refused', async () => {
  const { source, range } = await chainOf(6);
  const target = await openTestChain();
  try {
    // three certificates and three beacons; the certificates blocks 2 and 3 carry for their parents
    // are the parents' own (byte-equal), recorded by the parents' checks
    assert.equal(await preverifyRange(target.chain, range.slice(0, 3)), 3 + 3);
    // a range's first block carries its parent's certificate from the range before: checked here
    assert.equal(await preverifyRange(target.chain, range.slice(3)), 3 + 3 + 1);
    for (const { block, commit } of range.slice(0, 3)) await target.chain.commit(await verifySynced(target.builder, block, commit), commit);
    assert.equal(target.chain.head.height, 3n);
    // block 5's certificate carries block 6's signature (the certificate is outside the block hash)
    const forged = range.slice(3).map((x) => ({ ...x }));
    forged[1] = { block: forged[1]!.block, commit: { ...forged[1]!.commit, signature: range[5]!.commit.signature } };
    assert.equal(await preverifyRange(target.chain, forged), 0, 'the batch fails and records nothing');
    await target.chain.commit(await verifySynced(target.builder, forged[0]!.block, forged[0]!.commit), forged[0]!.commit);
    await assert.rejects(verifySynced(target.builder, forged[1]!.block, forged[1]!.commit), (e: Error & { code?: string }) => e.code === 'E_BAD_COMMIT');
    assert.equal(target.chain.head.height, 4n, 'the block before the forged certificate applied, nothing after');
  } finally {
    await source.close();
    await target.close();
  }
});

test('an empty synced block costs one storage read: its due queues in one batch, the head block and root from memory', async () => {
  const { source, range } = await chainOf(5);
  const target = await openTestChain();
  try {
    const apply = async ({ block, commit }: (typeof range)[number]) => target.chain.commit(await verifySynced(target.builder, block, commit), commit);
    await apply(range[0]!); // warms the parameter, validator and pool records every block reads
    const db = target.chain.db;
    const reads: string[] = [];
    const [get, getMany] = [db.get.bind(db), db.getMany.bind(db)];
    db.get = (k) => (reads.push('get'), get(k));
    db.getMany = (ks) => (reads.push(`getMany(${ks.length})`), getMany(ks));
    for (const item of range.slice(1)) await apply(item);
    assert.deepEqual(reads, Array(4).fill('getMany(6)'), 'per block: one batched read of the six queues due at its height');
    assert.equal(target.chain.head.height, 5n);
  } finally {
    await source.close();
    await target.close();
  }
});
