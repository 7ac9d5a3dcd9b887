/**
 * Block-level batching (issue #12 item 4, docs/market.md §verification): every fill of one circuit
 * in a block, across transactions and message types, is checked as one randomized multi-pairing;
 * when the batch fails, each proof is checked alone and only the bad one is refused.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestChain, makeTx } from '../helpers/chain.ts';
import { MarketDriver, PREIMAGE, PREIMAGE_ID, preimageFill, requestMsg, MARKET_TX_FEE } from '../helpers/market.ts';
import { verifyBlockProofs } from '../../client/aggregate.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import type { BlockProofs } from '../../protocol/rpc-types.ts';
import { Groth16Verifier } from '../../node/market/groth16-verifier.ts';
import { getAccount } from '../../node/modules/bank/account.ts';
import { getRequest } from '../../node/modules/market/state.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import type { AccountKey } from '../../node/crypto/keyfile.ts';

const QRY = 1_000_000n;
const m = (x: Record<string, unknown>) => x as unknown as AnyMsg;

test('three fills in three transactions of one block: one multi-pairing; with a false one among them, each is checked alone and only it is refused', async () => {
  const verifier = await Groth16Verifier.create();
  const t = await openTestChain({ users: 4, proofs: verifier });
  const mk = new MarketDriver(t);
  const [requester, ...provers] = t.users as [AccountKey, AccountKey, AccountKey, AccountKey];
  const fillBlock = async (xs: bigint[], proofs: Array<{ proof: Uint8Array; publicSignals: string[] }>) => {
    const ids: Uint8Array[] = [];
    for (const [i, x] of xs.entries()) {
      ids.push(await mk.request(requester, requestMsg(x, { minPrice: QRY, maxPrice: QRY, collateral: QRY, lockBlocks: 10n, deadlineBlocks: 30n })));
      assert.equal((await getRequest(t.chain.latestState, ids[i]!)).lock?.prover.length, 20, 'locked through an ask');
    }
    const txs = [];
    for (const [i, id] of ids.entries()) {
      const r = await getRequest(t.chain.latestState, id);
      const holder = provers.find((p) => Buffer.from(decodeAddress(p.address)).equals(Buffer.from(r.lock!.prover)))!;
      const { sequence } = await getAccount(t.chain.latestState, decodeAddress(holder.address));
      txs.push(makeTx(holder, [m({ type: 'market/fulfill', requestId: id, ...proofs[i]! })], { sequence, fee: MARKET_TX_FEE }));
    }
    const [batches, checks] = [verifier.batches, verifier.checks];
    const block = await t.produce(txs);
    return { codes: block.exec.receipts.map((r) => r.code), batches: verifier.batches - batches, checks: verifier.checks - checks };
  };
  try {
    for (const p of provers) await mk.ok(p, [m({ type: 'market/bond', amount: 20n * QRY }), m({ type: 'market/ask', circuitId: PREIMAGE_ID, price: QRY, maxTurnaround: 10n, capacity: 1n })]);
    const good = await fillBlock([701n, 702n, 703n], [await preimageFill(701n), await preimageFill(702n), await preimageFill(703n)]);
    assert.deepEqual(good.codes, ['OK', 'OK', 'OK']);
    assert.deepEqual([good.batches, good.checks], [1, 3], 'one pairing product for the three proofs of the block');
    const forged = { ...(await preimageFill(706n)), proof: (await preimageFill(705n)).proof }; // right signals, wrong proof
    const mixed = await fillBlock([704n, 705n, 706n], [await preimageFill(704n), await preimageFill(705n), forged]);
    assert.deepEqual(mixed.codes, ['OK', 'OK', 'E_INVALID_PROOF']);
    assert.deepEqual([mixed.batches, mixed.checks], [4, 6], 'the batch failed, then each proof alone');
  } finally {
    await t.close();
    await verifier.close();
  }
});

test('the SDK checks a block\'s delivered proofs as one batch, and finds a false one among them', async () => {
  const fills = [await preimageFill(711n), await preimageFill(712n), await preimageFill(713n)];
  const delivered = (proofs: typeof fills): BlockProofs => ({
    height: '9',
    blockHash: 'ab'.repeat(32),
    circuit: toHex(PREIMAGE_ID),
    vk: toHex(PREIMAGE.vk),
    seed: toHex(new Uint8Array(32).fill(5)),
    proofs: proofs.map((f, i) => ({ request: String(i).padStart(64, '0'), proof: toHex(f.proof), publicSignals: f.publicSignals })),
  });
  assert.equal(verifyBlockProofs(delivered(fills), toHex(PREIMAGE.wasmHash)), true);
  assert.equal(verifyBlockProofs(delivered([])), true, 'nothing delivered, nothing false');
  assert.equal(verifyBlockProofs(delivered([fills[0]!, fills[1]!, { ...fills[2]!, proof: fills[1]!.proof }])), false, 'a proof of another statement');
  assert.equal(verifyBlockProofs(delivered([fills[0]!, { ...fills[1]!, publicSignals: fills[0]!.publicSignals }, fills[2]!])), false, 'signals swapped');
  assert.equal(verifyBlockProofs(delivered(fills), toHex(new Uint8Array(32))), false, 'a key the circuit id does not commit to');
  assert.equal(verifyBlockProofs({ ...delivered(fills), proofs: [{ request: '00', proof: '00'.repeat(256), publicSignals: ['1'] }] }), false, 'not a curve point');
});
