/**
 * The sender index behind `GET /txs?sender=` (docs/rpc.md): a sender's transactions newest first,
 * several per block, paged below a height and cut at the limit, each with its own receipt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { openTestChain, makeTx, sendMsg } from '../helpers/chain.ts';

test("a sender's transactions come newest first, several per block, paged and limited", async () => {
  const t = await openTestChain();
  try {
    const [a, b, c] = t.users;
    const sent: string[] = [];
    let sequence = 0n;
    for (const perBlock of [3, 1, 2]) {
      const txs: Uint8Array[] = [];
      for (let i = 0; i < perBlock; i++) txs.push(makeTx(a!, [sendMsg(b!, 10n + sequence)], { sequence: sequence++ }));
      txs.push(makeTx(c!, [sendMsg(b!, 1n)], { sequence: BigInt(sent.length) })); // another sender in the same block
      await t.produce(txs);
      sent.push(...txs.slice(0, perBlock).map((x) => toHex(decodeTx(x).hash)));
    }
    const sender = decodeAddress(a!.address);
    const all = await t.chain.txsBySender(sender, 100);
    assert.deepEqual(all.map((x) => toHex(x.tx.hash)), [...sent].reverse(), 'newest first, only this sender');
    assert.deepEqual(all.map((x) => `${x.height}/${x.index}`), ['3/1', '3/0', '2/0', '1/2', '1/1', '1/0']);
    assert.ok(all.every((x) => x.receipt.code === 'OK'));
    assert.deepEqual((await t.chain.txsBySender(sender, 100, 2n)).map((x) => x.height), [1n, 1n, 1n], 'before a height');
    assert.equal((await t.chain.txsBySender(sender, 4)).length, 4, 'the limit cuts inside a block');
    assert.deepEqual(await t.chain.txsBySender(decodeAddress(t.operator.address), 10), [], 'a sender with none');
  } finally {
    await t.close();
  }
});
