/** The market's batched Groth16 verifier against real proofs: batches accept valid sets and single out bad proofs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poseidon1 } from 'poseidon-lite';
import { PREIMAGE, PREIMAGE_ID, preimageFill } from '../helpers/market.ts';
import { Groth16Verifier } from '../../node/market/groth16-verifier.ts';

test('batched verification: all valid pass; a wrong signal, a foreign proof and malformed bytes each fail alone', async () => {
  // concurrent proofs on one prover are queued, so each carries its own statement
  const fills = await Promise.all([1n, 2n, 3n, 4n, 5n].map((x) => preimageFill(x)));
  assert.deepEqual(fills.map((f) => f.publicSignals[0]), [1n, 2n, 3n, 4n, 5n].map((x) => poseidon1([x]).toString()));
  const items = fills.map((f) => ({ proof: f.proof, publicSignals: f.publicSignals.map(BigInt) }));
  const v = await Groth16Verifier.create();
  try {
    assert.deepEqual(await v.verify(PREIMAGE_ID, PREIMAGE.vk, items), [true, true, true, true, true]);
    assert.equal(v.batches, 1, 'five valid proofs took one pairing check');

    const fresh = await Groth16Verifier.create();
    const swapped = { proof: items[0]!.proof, publicSignals: items[1]!.publicSignals }; // a real proof, another request's signals
    const tampered = { proof: Uint8Array.from(items[2]!.proof, (b, i) => (i === 40 ? b ^ 1 : b)), publicSignals: items[2]!.publicSignals };
    const wrongCount = { proof: items[3]!.proof, publicSignals: [...items[3]!.publicSignals, 1n] };
    const outOfField = { proof: items[4]!.proof, publicSignals: [1n << 254n] };
    const verdicts = await fresh.verify(PREIMAGE_ID, PREIMAGE.vk, [items[0]!, swapped, items[1]!, tampered, wrongCount, outOfField, items[4]!]);
    assert.deepEqual(verdicts, [true, false, true, false, false, false, true]);
    await fresh.close();

    // verdicts are remembered: asking again does no pairing work
    const before = v.batches;
    assert.deepEqual(await v.verify(PREIMAGE_ID, PREIMAGE.vk, items.slice(0, 2)), [true, true]);
    assert.equal(v.batches, before);
  } finally {
    await v.close();
  }
});
