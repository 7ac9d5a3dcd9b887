/**
 * Signature checks on the verify thread (node/crypto/verify-thread.ts) give the answer the same
 * checks give in line: the first bad transaction signature by index, a BLS batch that fails on one
 * forged member. A block carrying a transaction with a forged signature is refused whether its
 * signatures were checked in line or beside its execution, and nothing of it is committed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestChain, makeTx, sendMsg, deterministicKey } from '../helpers/chain.ts';
import { blsBatchValidOffThread, firstBadTxSignature, firstBadTxSignatureOffThread, INLINE_BELOW, offThreadJobs, startVerifyThread } from '../../node/crypto/verify-thread.ts';
import { blsBatchSets, blsKeyGen, blsSign, decodeBlsPublicKey } from '../../node/crypto/bls.ts';
import { decodeTxUnverified } from '../../node/tx/tx.ts';
import { encodeSignedTx } from '../../protocol/tx.ts';
import { utf8 } from '../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/tmp.ts';

/** The same body, signed by someone else: decodes, fails its signature. */
function forge(bytes: Uint8Array): Uint8Array {
  const { body } = decodeTxUnverified(bytes).tx;
  return encodeSignedTx(body, decodeTxUnverified(makeTx(deterministicKey('outsider', 9), body.msgs, { sequence: body.sequence })).tx.signature);
}

test('the verify thread finds the same first bad transaction signature as a check in line', async () => {
  assert.equal(await startVerifyThread(), true, 'the worker starts');
  const t = await openTestChain({ users: INLINE_BELOW + 8 });
  try {
    const to = deterministicKey('outsider', 0);
    const txs = t.users.map((u) => makeTx(u, [sendMsg(to, 1n)], { sequence: 0n }));
    const before = offThreadJobs();
    assert.equal(await firstBadTxSignatureOffThread(txs), -1);
    const bad = txs.map((b, i) => (i === 17 || i === 30 ? forge(b) : b));
    assert.equal(firstBadTxSignature(bad), 17);
    assert.equal(await firstBadTxSignatureOffThread(bad), 17);
    assert.equal(offThreadJobs() - before, 2, 'both lists went to the worker');
    assert.equal(await firstBadTxSignatureOffThread(bad.slice(10, 20)), 7, 'a short list is checked in line, same answer');
    assert.equal(offThreadJobs() - before, 2);
  } finally {
    await t.close();
  }
});

test('a BLS batch on the verify thread holds only when every signature does', async () => {
  await startVerifyThread();
  const keys = Array.from({ length: 3 }, (_, i) => blsKeyGen(new Uint8Array(32).fill(i + 7)));
  const pk = (i: number) => decodeBlsPublicKey(keys[i]!.publicKey)!;
  const checks = keys.map((k, i) => ({ signature: blsSign(utf8(`m${i}`), k.secretKey), message: utf8(`m${i}`), publicKeys: [pk(i)] }));
  assert.equal(await blsBatchValidOffThread(blsBatchSets(checks)!), true);
  const forged = [...checks.slice(0, 2), { ...checks[2]!, publicKeys: [pk(0)] }];
  assert.equal(await blsBatchValidOffThread(blsBatchSets(forged)!), false);
  assert.equal(await blsBatchValidOffThread(blsBatchSets([{ ...checks[0]!, signature: new Uint8Array(96) }])!), false, 'an undecodable signature fails the batch');
  assert.equal(blsBatchSets([{ ...checks[0]!, publicKeys: [] }]), null, 'a check without signers cannot hold');
});

test('a block with a forged transaction signature is refused, checked beside execution or in line', async () => {
  await startVerifyThread();
  for (const senders of [INLINE_BELOW + 8, 4]) {
    const t = await openTestChain({ users: senders });
    try {
      const to = deterministicKey('outsider', 0);
      const txs = t.users.map((u) => decodeTxUnverified(makeTx(u, [sendMsg(to, 1n)], { sequence: 0n })));
      const built = await t.builder.buildBlock({ txs, solutions: [], evidence: [] }, { time: t.chain.head.time + 1000n, proposer: decodeAddress(t.operator.address), lastCommit: null });
      const block = { ...built.block, txs: built.block.txs.map((b, i) => (i === 2 ? forge(b) : b)) };
      const jobs = offThreadJobs();
      await assert.rejects(t.builder.verifyBlock(block), (e: unknown) => e instanceof QuarryError && e.code === 'E_BAD_BLOCK' && /signature does not verify/.test(e.message));
      assert.equal(offThreadJobs() - jobs, senders > INLINE_BELOW ? 1 : 0);
      assert.equal(t.chain.head.height, 0n, 'nothing committed');
      const ok = await t.builder.verifyBlock(built.block);
      assert.equal(ok.txs.length, senders, 'the honest block verifies');
    } finally {
      await t.close();
    }
  }
});

test('the verify thread never keeps a process alive once its work is done', () => {
  const dir = tempDir();
  try {
    const script = join(dir.path, 'uses-thread.mts');
    const module = fileURLToPath(new URL('../../node/crypto/verify-thread.ts', import.meta.url));
    writeFileSync(script, `const m = await import(${JSON.stringify(module)});\nconsole.log(await m.startVerifyThread(), await m.blsBatchValidOffThread([]));\n`);
    const root = fileURLToPath(new URL('../..', import.meta.url));
    // a process that still ran after its script would be killed by the timeout (signal set, no status)
    const run = spawnSync(process.execPath, ['--import', './bin/polyfill.mjs', '--import', 'tsx', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.signal, null, `the process exited by itself (stderr: ${run.stderr})`);
    assert.equal(run.status, 0);
    assert.equal(run.stdout.trim(), 'true true', 'the worker started and answered');
  } finally {
    dir.cleanup();
  }
});
