/**
 * `transferMany` (node/modules/bank/account.ts) must be exactly the outputs paid one `transfer` at
 * a time: the same final state (removed zero accounts included), the same error code and message at
 * the same point, over random outputs with self-payments, repeated recipients, balances that run out
 * part way and balances near the u64 limit. A difference would split validators running either.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Overlay, type StateReader } from '../../node/state/view.ts';
import { accounts, transfer, transferMany } from '../../node/modules/bank/account.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { Rng } from '../helpers/rng.ts';

const empty: StateReader = { get: async () => undefined };
const U64_MAX = (1n << 64n) - 1n;

async function outcome(run: (state: Overlay) => Promise<void>, seedState: (state: Overlay) => void): Promise<{ error: string | null; changes: string[] }> {
  const base = new Overlay(empty);
  seedState(base);
  const state = base.child();
  const error = await run(state).then(
    () => null,
    (err: { code?: string; message: string }) => `${err.code}: ${err.message}`,
  );
  const changes = error ? [] : state.changes().map((c) => `${toHex(c.key)}=${c.value ? toHex(c.value) : 'deleted'}`).sort();
  return { error, changes };
}

test('transferMany equals one transfer per output: state, errors and where they occur', async () => {
  const rng = new Rng(20261201);
  const addresses = Array.from({ length: 6 }, (_, i) => new Uint8Array(20).fill(i + 1));
  let failures = 0;
  for (let run = 0; run < 2000; run++) {
    const balances = addresses.map(() => (rng.chance(0.1) ? U64_MAX - BigInt(rng.int(50)) : rng.chance(0.2) ? 0n : BigInt(rng.int(1000))));
    const sequences = addresses.map(() => (rng.chance(0.5) ? 0n : BigInt(rng.int(5))));
    const seed = (state: Overlay) => addresses.forEach((a, i) => (balances[i] || sequences[i] ? accounts.put(state, a, { balance: balances[i]!, sequence: sequences[i]! }) : undefined));
    const from = rng.pick(addresses);
    const outputs = Array.from({ length: 1 + rng.int(12) }, () => ({ to: rng.pick(addresses), amount: rng.chance(0.05) ? U64_MAX - BigInt(rng.int(10)) : BigInt(1 + rng.int(300)) }));
    const oneByOne = await outcome(async (s) => {
      for (const o of outputs) await transfer(s, from, o.to, o.amount);
    }, seed);
    const many = await outcome((s) => transferMany(s, from, outputs), seed);
    assert.deepEqual(many, oneByOne, `run ${run}`);
    if (oneByOne.error) failures++;
  }
  assert.ok(failures > 100 && failures < 1900, `both outcomes exercised (${failures} of 2000 failed)`);
});
