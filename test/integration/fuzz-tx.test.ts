/**
 * Mutation fuzzing of the transaction path through the real RPC: 10,000 random mutations of valid
 * signed transactions are posted. The node must not crash, must answer every one with a known
 * code, answer the same bytes the same way, and rejected input must not change the state.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes } from '../../protocol/errors.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { makeGenesis, makeTx, sendMsg, deterministicUser } from '../helpers/chain.ts';
import { devnetValidatorKey } from '../../genesis/builder.ts';
import { startTestNode } from '../helpers/node.ts';
import { Rng } from '../helpers/rng.ts';

const MUTATIONS = 10_000;

function mutate(rng: Rng, input: Uint8Array, other: Uint8Array): Uint8Array {
  const b = Array.from(input);
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const at = rng.int(Math.max(1, b.length));
    switch (rng.int(8)) {
      case 0: b[at] = b[at]! ^ (1 << rng.int(8)); break; // bit flip
      case 1: b[at] = rng.int(256); break; // byte replace
      case 2: b.splice(at, 0, rng.int(256)); break; // insert
      case 3: b.splice(at, 1 + rng.int(4)); break; // delete
      case 4: b.length = at; break; // truncate
      case 5: b.splice(at, 0, ...b.slice(rng.int(b.length), rng.int(b.length))); break; // duplicate a slice
      case 6: b.splice(at, b.length - at, ...other.slice(rng.int(other.length))); break; // splice in another tx
      default: b[at] = rng.pick([0x00, 0x17, 0x18, 0x1b, 0x40, 0x5f, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xf4, 0xf5, 0xf6, 0xf7, 0xff]); // CBOR edge bytes
    }
  }
  return Uint8Array.from(b);
}

test(`${MUTATIONS} mutated transactions: no crash, every answer coded and consistent, state unchanged`, { timeout: 300_000 }, async () => {
  const users = [0, 1, 2].map(deterministicUser);
  const genesis = await makeGenesis(users, deterministicUser(1000), devnetValidatorKey(0));
  const { node, stop } = await startTestNode(genesis, null); // no validator: the state stays put
  try {
    const url = node.rpc!.url;
    const [a, b, c] = users;
    const seeds = [
      makeTx(a!, [sendMsg(b!, 10n)], { sequence: 0n }),
      makeTx(b!, [{ type: 'bank/multi-send', outputs: [{ to: decodeAddress(a!.address), amount: 1n }, { to: decodeAddress(c!.address), amount: 2n }] } as AnyMsg], { sequence: 0n }),
      makeTx(c!, [sendMsg(a!, 5n), sendMsg(b!, 6n)], { sequence: 0n, expiresAtHeight: 50n }),
    ];
    const rootBefore = toHex(await node.services.chain.state.rootHashAt(0n));
    const known = new Set(Object.keys(ErrorCodes));
    const rng = new Rng(20261126);
    const codes = new Map<string, number>();
    const answers = new Map<string, string>();
    let accepted = 0;
    const post = async (bytes: Uint8Array) => {
      const res = await fetch(`${url}/txs`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
      const body = (await res.json()) as { code?: string; error?: { code: string; message: string } };
      const code = res.status === 202 ? body.code! : body.error!.code;
      assert.ok(known.has(code) || code === 'OK', `unknown code ${code}`);
      assert.ok(res.status < 500 || code === 'E_MEMPOOL_FULL', `server error ${res.status} ${JSON.stringify(body)}`);
      if (code !== 'OK') assert.ok(typeof body.error?.message === 'string' && body.error.message.length > 0);
      return code;
    };
    const batch = 16;
    for (let i = 0; i < MUTATIONS; i += batch) {
      const inputs = Array.from({ length: Math.min(batch, MUTATIONS - i) }, () => mutate(rng, rng.pick(seeds), rng.pick(seeds)));
      const results = await Promise.all(inputs.map(post));
      results.forEach((code, k) => {
        codes.set(code, (codes.get(code) ?? 0) + 1);
        const id = toHex(inputs[k]!);
        const prev = answers.get(id);
        // the same bytes get the same answer (a repeat of an accepted tx is a duplicate)
        if (prev !== undefined) assert.ok(prev === code || (prev === 'OK' && code === 'E_DUPLICATE') || (prev === 'E_DUPLICATE' && code === 'E_DUPLICATE'), `${prev} then ${code}`);
        else answers.set(id, code);
        if (code === 'OK') {
          accepted++;
          decodeTx(inputs[k]!); // anything accepted is a well-formed, correctly signed transaction
        }
      });
    }
    // the originals are accepted once, then duplicates
    for (const s of seeds) {
      const first = await post(s);
      assert.ok(first === 'OK' || first === 'E_DUPLICATE');
      assert.equal(await post(s), 'E_DUPLICATE');
    }
    assert.equal(toHex(await node.services.chain.state.rootHashAt(0n)), rootBefore);
    assert.equal(node.services.chain.head.height, 0n);
    assert.ok(node.services.mempool.size <= accepted + seeds.length);
    const status = (await (await fetch(`${url}/status`)).json()) as { height: string };
    assert.equal(status.height, '0');
    assert.ok((codes.get('E_DECODE') ?? 0) > MUTATIONS / 4, `mostly decode errors: ${JSON.stringify([...codes])}`);
    console.log('fuzz answers:', Object.fromEntries(codes));
  } finally {
    await stop();
  }
});
