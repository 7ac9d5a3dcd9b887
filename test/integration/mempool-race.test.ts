/**
 * Issue #16 finding 2, as the attacker acted: conflicting transactions posted at once to one
 * validator's RPC. Each conflict admits one transaction; the loser is refused and never reads as
 * pending, and once the winners are in blocks the mempool is empty, its byte count included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeGenesis, makeTx, sendMsg, deterministicUser } from '../helpers/chain.ts';
import { startTestNode } from '../helpers/node.ts';
import { until } from '../helpers/devnet.ts';
import { devnetValidatorKey } from '../../genesis/builder.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { DEFAULT_CONFIG } from '../../node/config.ts';

test('conflicting transactions posted at once: one admitted each, none left pending', { timeout: 120_000 }, async () => {
  const users = Array.from({ length: 21 }, (_, i) => deterministicUser(i));
  const validator = devnetValidatorKey(0);
  const genesis = await makeGenesis(users, deterministicUser(1000), validator);
  const { node, stop } = await startTestNode(genesis, validator, { consensus: { ...DEFAULT_CONFIG.consensus, blockTimeMs: 100 } });
  const url = node.rpc!.url;
  const post = async (bytes: Uint8Array): Promise<string> => {
    const res = await fetch(`${url}/txs`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    const body = (await res.json()) as { code?: string; error?: { code: string } };
    return res.status === 202 ? body.code! : body.error!.code;
  };
  const status = async (bytes: Uint8Array): Promise<string> => {
    const body = (await (await fetch(`${url}/txs/${toHex(decodeTx(bytes).hash)}`)).json()) as { status?: string; error?: { code: string } };
    return body.status ?? body.error!.code;
  };
  try {
    const to = users[20]!;
    // 19 senders post two different transactions with the same sequence and fee; the 20th posts one transaction three times
    const pairs = users.slice(0, 19).map((u) => [1n, 2n].map((amount) => makeTx(u, [sendMsg(to, amount)], { sequence: 0n })));
    const thrice = makeTx(users[19]!, [sendMsg(to, 1n)], { sequence: 0n });
    const [pairCodes, thriceCodes] = await Promise.all([Promise.all(pairs.map((p) => Promise.all(p.map(post)))), Promise.all([thrice, thrice, thrice].map(post))]);
    // the loser is refused as a replacement paying no more (E_FEE_TOO_LOW) or, when a 100 ms block
    // committed the winner between the two posts, as a used sequence (E_SEQUENCE): never admitted
    const refused = (code: string) => code === 'E_FEE_TOO_LOW' || code === 'E_SEQUENCE';
    for (const codes of pairCodes) assert.ok(codes.filter((c) => c === 'OK').length === 1 && codes.some(refused), codes.join(', '));
    assert.deepEqual(thriceCodes.sort(), ['E_DUPLICATE', 'E_DUPLICATE', 'OK']);

    const winners = pairs.map((p, i) => p[pairCodes[i]!.indexOf('OK')]!).concat([thrice]);
    const losers = pairs.map((p, i) => p[pairCodes[i]!.findIndex(refused)]!);
    await until('the winners to be committed', async () => (await Promise.all(winners.map(status))).every((s) => s === 'committed'), 30_000);
    for (const loser of losers) assert.equal(await status(loser), 'E_NOT_FOUND');
    // the post-block re-check runs just after the commit becomes visible
    await until('the mempool to empty', async () => {
      const mempool = (await (await fetch(`${url}/mempool`)).json()) as { txs: number; bytes: number };
      return mempool.txs === 0 && mempool.bytes === 0;
    }, 30_000);
  } finally {
    await stop();
  }
});
