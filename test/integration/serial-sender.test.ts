/**
 * The prover's transactions go out one at a time (miner/serial-sender.ts): after a transaction's
 * wait for its block timed out, the next send waits for it instead of signing another with the same
 * sequence (which the node refuses as an underpriced replacement, E_FEE_TOO_LOW, at every try: the
 * hour soak logged it once a second for minutes while flood blocks held the first one back).
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeGenesis, deterministicUser } from '../helpers/chain.ts';
import { devnetValidatorKey } from '../../genesis/builder.ts';
import { startTestNode } from '../helpers/node.ts';
import { RpcClient } from '../../client/rpc.ts';
import { TimeoutError } from '../../client/errors.ts';
import { SerialSender } from '../../miner/serial-sender.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';

test('after a timed-out wait the next transaction waits for the first instead of reusing its sequence', { timeout: 60_000 }, async () => {
  const [alice, bob] = [0, 1].map(deterministicUser);
  const genesis = await makeGenesis([alice!, bob!], deterministicUser(1000), devnetValidatorKey(0));
  const { node, stop } = await startTestNode(genesis, devnetValidatorKey(0));
  try {
    const rpc = new RpcClient(node.rpc!.url);
    const send = { type: 'bank/send', to: decodeAddress(bob!.address), amount: 1n } as AnyMsg;
    // gives up on the first at once: it is still in the mempool, waiting for the next block
    const sender = new SerialSender(rpc, alice!);
    await assert.rejects(sender.send([send], 1), TimeoutError);
    const second = await sender.send([send]).catch((err: Error) => err);
    assert.ok(!(second instanceof Error), `the second send went through after the first: ${second instanceof Error ? second.message : ''}`);
    const account = await rpc.get<{ sequence: string }>(`/accounts/${alice!.address}`);
    assert.equal(account.sequence, '2', 'both transactions committed, one sequence each');
  } finally {
    await stop();
  }
});

test('a transaction stuck in the mempool holds back the next one with one clear error, not a refused replacement', { timeout: 60_000 }, async () => {
  const [alice, bob] = [0, 1].map(deterministicUser);
  const genesis = await makeGenesis([alice!, bob!], deterministicUser(1000), devnetValidatorKey(0));
  const { node, stop } = await startTestNode(genesis, null); // no validator: nothing ever commits
  try {
    const rpc = new RpcClient(node.rpc!.url);
    const send = { type: 'bank/send', to: decodeAddress(bob!.address), amount: 1n } as AnyMsg;
    const sender = new SerialSender(rpc, alice!, { waitMs: 200, settleMs: 300, pollMs: 50 });
    await assert.rejects(sender.send([send]), TimeoutError);
    await assert.rejects(sender.send([send]), (err: unknown) => err instanceof TimeoutError && /still pending/.test(err.message));
    assert.equal(node.services.mempool.size, 1, 'the node was not sent a second transaction for the same sequence');
  } finally {
    await stop();
  }
});
