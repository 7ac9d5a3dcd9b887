/**
 * The sender index behind `GET /txs?sender=` (docs/rpc.md): a sender's transactions newest first,
 * several per block, paged below a height, cut at the limit or at a whole height by a byte budget,
 * each with its own receipt, and a `next` cursor that never skips a transaction.
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
    assert.deepEqual(all.txs.map((x) => toHex(x.tx.hash)), [...sent].reverse(), 'newest first, only this sender');
    assert.deepEqual(all.txs.map((x) => `${x.height}/${x.index}`), ['3/1', '3/0', '2/0', '1/2', '1/1', '1/0']);
    assert.ok(all.txs.every((x) => x.receipt.code === 'OK'));
    assert.equal(all.next, null, 'nothing older');
    assert.deepEqual((await t.chain.txsBySender(sender, 100, 2n)).txs.map((x) => x.height), [1n, 1n, 1n], 'before a height');
    const cut = await t.chain.txsBySender(sender, 4);
    assert.equal(cut.txs.length, 4, 'the limit cuts inside a block');
    assert.equal(cut.next, 2n, 'and the next page re-reads the split height whole');
    // a byte budget ends the page at a whole height: one transaction's bytes already reach it
    const small = await t.chain.txsBySender(sender, 100, undefined, 1);
    assert.deepEqual(small.txs.map((x) => x.height), [3n, 3n]);
    assert.equal(small.next, 3n);
    const rest = await t.chain.txsBySender(sender, 100, small.next!, 1);
    assert.deepEqual([rest.txs.map((x) => x.height), rest.next], [[2n], 2n]);
    assert.deepEqual(await t.chain.txsBySender(decodeAddress(t.operator.address), 10), { txs: [], next: null }, 'a sender with none');
  } finally {
    await t.close();
  }
});
