/**
 * The proof market end to end on a two-validator devnet with real processes, real Groth16 proofs
 * and `quarry node mine --ask` as the prover: register a circuit through the CLI (artifacts
 * uploaded, fetched by the other node over libp2p), request and get a proof matched against an
 * ask, a false proof refused and its lock slashed, then filled by another prover with
 * commit-reveal, an unlocked request escalated until it fills, a reservation delivered at its
 * fixed price, an identical request served from the cache, and a copied proof refused. Then one
 * request per selection mode through the SDK (docs/market.md §selection): sealed in `book` and
 * `stake` mode (the SDK seals to the locked prover, the miner opens the seal and proves) and a
 * `race` the miner joins with a proof bound to its address.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { poseidon1 } from 'poseidon-lite';
import { startTestDevnet, faucet, testDevnetGenesis, type TestDevnet } from '../helpers/devnet.ts';
import { Ed25519Wallet, SigningQuarryClient } from '../../client/index.ts';
import { exampleCircuits } from '../../genesis/builder.ts';
import { circuitIdOf } from '../../protocol/verification-key.ts';
import { QuarryProcess, runQuarry } from '../helpers/proc.ts';
import { tempDir } from '../helpers/tmp.ts';
import { deterministicUser } from '../helpers/chain.ts';
import { preimageFill, PREIMAGE_ID } from '../helpers/market.ts';
import { circuitFiles } from '../../circuits/artifacts.ts';
import { saveAccountKey } from '../../node/crypto/keyfile.ts';
import { fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import { sha256 } from '../../node/crypto/hash.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { buildTx, broadcastTx, type Signer, type TxResult } from '../../client/tx-builder.ts';
import { requestProof, waitForProof } from '../../client/market.ts';
import type { RpcClient } from '../../client/rpc.ts';
import type { MarketTotals } from '../../protocol/rpc-types.ts';

import { decodeTx } from '../../node/tx/tx.ts';

const QRY = 1_000_000n;
const requester = deterministicUser(600);
const proverA = deterministicUser(601); // runs `quarry node mine --ask …`
const proverB = deterministicUser(602); // driven by hand through the client library

type Receipt = TxResult & { fee: bigint; result: { events: Array<Record<string, string>> } };
async function send(rpc: RpcClient, key: Signer, msgs: Array<Record<string, unknown>>): Promise<Receipt> {
  const { bytes } = await buildTx(rpc, key, msgs as unknown as AnyMsg[]);
  return { ...((await broadcastTx(rpc, bytes)) as Receipt), fee: decodeTx(bytes).tx.body.fee };
}
interface RequestView { status: string; filledBy: string | null; paid: string; relists: string; maxPrice: string; declinedBy: string[]; lock: { prover: string; price: string; collateral: string } | null; proof: { proof: string; publicSignals: string[] } | null }
const getRequest = (rpc: RpcClient, id: string) => rpc.get<RequestView>(`/market/requests/${id}`);
const proverOf = (rpc: RpcClient, a: string) => rpc.get<{ bond: string; slashed: string; onTime: string; encryptionKey: string | null }>(`/market/provers/${a}`);
const balanceOf = async (rpc: RpcClient, a: string) => BigInt((await rpc.get<{ balance: string }>(`/accounts/${a}`)).balance);

test('proof market on a devnet: ask match, invalid proof, slash and refill, escalation, reservation, cache', { timeout: 420_000 }, async () => {
  // a 20-block accept window: the SDK seals within a block or two, but a loaded machine may slow it
  const genesis = await testDevnetGenesis(2);
  genesis.params.market = { ...genesis.params.market, acceptWindowBlocks: 20n };
  const net: TestDevnet = await startTestDevnet({ validators: 2, genesis });
  const cli = tempDir('quarry-market-cli-');
  let miner: QuarryProcess | null = null;
  try {
    const rpc = net.rpc(0);
    const url0 = net.devnet.nodes[0]!.rpc;
    const url1 = net.devnet.nodes[1]!.rpc;
    const funded = await send(rpc, faucet, [{ type: 'bank/multi-send', outputs: [requester, proverA, proverB].map((k) => ({ to: decodeAddress(k.address), amount: 1000n * QRY })) }]);
    assert.equal(funded.result.code, 'OK');
    for (const k of [requester, proverA]) saveAccountKey(cli.path, k);

    // artifacts: uploaded to node 1, fetched by node 0 from its peer and checked against the hash
    const blob = randomBytes(4096);
    const put = await fetch(`${url1}/artifacts`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: blob });
    assert.equal(put.status, 201);
    const got = new Uint8Array(await (await fetch(`${url0}/artifacts/${toHex(sha256(blob))}`)).arrayBuffer());
    assert.deepEqual(got, new Uint8Array(blob));
    assert.equal((await fetch(`${url0}/artifacts/${'00'.repeat(32)}`)).status, 404);

    // register the small PoSW circuit as a market circuit through the CLI
    const f = circuitFiles('posw-small');
    const reg = await runQuarry(['--home', cli.path, 'tx', 'market', 'register-circuit', '--from', requester.name, '--rpc', url1, '--name', 'posw-small-market', '--wasm', f.wasm, '--zkey', f.zkey, '--vkey', f.vkey, '--outputs', '1', '--public', 'challenge,address,nonce']);
    assert.equal(reg.code, 0, reg.stderr);
    const { circuits } = await rpc.get<{ circuits: Array<{ id: string; name: string; nPublic: number }> }>('/market/circuits');
    const posw = circuits.find((c) => c.name === 'posw-small-market')!;
    assert.equal(posw.nPublic, 4);

    // prover A serves asks for both circuits (posw priced above what R2 will offer)
    miner = new QuarryProcess(['--home', cli.path, 'node', 'mine', '--rpc', url0, '--address', proverA.address, '--ask', 'poseidon-preimage:1qry:20:4', '--ask', `${posw.id}:30qry:20:2`, '--ask', 'bound-preimage:1qry:20:2', '--bond', '100qry']);
    await miner.waitFor(/market: bond and asks: OK/, 90_000);
    assert.equal((await rpc.get<{ asks: unknown[] }>('/market/asks')).asks.length, 3);
    assert.match((await proverOf(rpc, proverA.address)).encryptionKey ?? '', /^[0-9a-f]{64}$/, 'the miner published its encryption key');

    // R1 through the CLI: matched at A's ask price, fulfilled, the proof printed
    const x = 7n;
    const r1 = await runQuarry(['--home', cli.path, 'tx', 'market', 'request', '--from', requester.name, '--rpc', url0, '--circuit', 'poseidon-preimage', '--inputs', JSON.stringify({ preimage: '7', hash: poseidon1([x]).toString() }), '--max-price', '2qry', '--wait-proof']);
    assert.equal(r1.code, 0, r1.stderr);
    const r1Id = r1.stderr.match(/request ([0-9a-f]{64})/)![1]!;
    const r1View = await getRequest(rpc, r1Id);
    assert.equal(r1View.status, 'fulfilled');
    assert.equal(r1View.filledBy, proverA.address);
    assert.equal(r1View.paid, String(1n * QRY));
    assert.equal(r1View.proof!.publicSignals[0], poseidon1([x]).toString());
    assert.match(r1.stdout, new RegExp(r1View.proof!.proof));

    // R2 (posw, below A's ask): B locks it at auction, then sends a false proof and is slashed at once
    const bondB = await send(rpc, proverB, [{ type: 'market/bond', amount: 40n * QRY }]);
    assert.equal(bondB.result.code, 'OK');
    const poswInputs = { challenge: 11n, address: 12n, nonce: 13n };
    const r2 = await requestProof(rpc, requester, { circuitId: posw.id, inputs: poswInputs, minPrice: 10n * QRY, maxPrice: 20n * QRY, lockBlocks: 6n, deadlineBlocks: 80n, collateral: 5n * QRY, escalationCap: 20n * QRY });
    const wrong = await preimageFill(5n); // before the lock: building the prover may take longer than the 6-block lock
    assert.equal((await send(rpc, proverB, [{ type: 'market/lock', requestId: fromHex(r2.requestId) }])).result.code, 'OK');
    const lock2 = (await getRequest(rpc, r2.requestId)).lock!;
    assert.ok(BigInt(lock2.collateral) * 2n >= BigInt(lock2.price), 'the lock posts at least half its price');
    const before = await balanceOf(rpc, proverB.address);
    const invalid = await send(rpc, proverB, [{ type: 'market/fulfill', requestId: fromHex(r2.requestId), proof: wrong.proof, publicSignals: ['1', '11', '12', '13'] }]);
    assert.equal(invalid.result.code, 'E_INVALID_PROOF');
    assert.ok(invalid.result.events.some((e) => e.type === 'market-slash' && e.reason === 'false-proof'), 'slashed for the false proof');
    assert.equal(await balanceOf(rpc, proverB.address), before - invalid.fee, 'the fee from the balance');
    const b = await proverOf(rpc, proverB.address);
    assert.equal(b.slashed, '1');
    assert.equal(b.bond, String(40n * QRY - BigInt(lock2.collateral)), 'and the whole collateral from the bond');
    // nobody else asks within the capped price: A fills with commit-reveal at the missed price plus the requester's share
    const cap = BigInt(lock2.price) + (BigInt(lock2.collateral) * 4n) / 10n;
    const r2Proof = await waitForProof(rpc, r2.requestId, 120_000);
    assert.equal(r2Proof.prover, proverA.address);
    assert.equal(r2Proof.price, String(cap < 20n * QRY ? cap : 20n * QRY));
    await miner.waitFor(/commit fill [0-9a-f]{12}: OK[\s\S]*reveal fill [0-9a-f]{12}: OK/, 10_000);

    // a copied proof: B replays A's R2 proof to claim a fresh identical-circuit request locked to it, and is slashed
    const r4 = await requestProof(rpc, requester, { circuitId: posw.id, inputs: { challenge: 21n, address: 22n, nonce: 23n }, minPrice: 10n * QRY, maxPrice: 20n * QRY, lockBlocks: 20n, deadlineBlocks: 80n, collateral: QRY, escalationCap: 20n * QRY });
    assert.equal((await send(rpc, proverB, [{ type: 'market/lock', requestId: fromHex(r4.requestId) }])).result.code, 'OK');
    const copied = await send(rpc, proverB, [{ type: 'market/fulfill', requestId: fromHex(r4.requestId), proof: fromHex(r2Proof.proof), publicSignals: r2Proof.publicSignals }]);
    assert.equal(copied.result.code, 'E_INVALID_PROOF');
    assert.notEqual((await getRequest(rpc, r4.requestId)).lock?.prover, proverB.address);
    assert.equal((await proverOf(rpc, proverB.address)).slashed, '2');

    // R3: priced below every ask and left unlocked; relisted higher at its deadline until A takes it
    const r3 = await requestProof(rpc, requester, { circuitId: toHex(PREIMAGE_ID), inputs: { preimage: 9n, hash: poseidon1([9n]) }, minPrice: QRY / 2n, maxPrice: (8n * QRY) / 10n, deadlineBlocks: 25n, escalationCap: 2n * QRY });
    const r3Proof = await waitForProof(rpc, r3.requestId, 120_000);
    assert.equal(r3Proof.prover, proverA.address);
    assert.ok(BigInt((await getRequest(rpc, r3.requestId)).relists) >= 1n);

    // proving futures: B sells capacity, the requester reserves one proof, its request goes to B at that price
    const offer = await send(rpc, proverB, [{ type: 'market/offer-capacity', circuitId: PREIMAGE_ID, count: 2n, price: 300_000n, turnaround: 30n, endBlocks: 200n, collateralPerProof: 150_000n }]);
    const offerId = offer.result.events.find((e) => e.type === 'market-offer')!.offer as string;
    const reserved = await send(rpc, requester, [{ type: 'market/reserve', offerId: fromHex(offerId), count: 1n }]);
    const reservation = reserved.result.events.find((e) => e.type === 'market-reservation')!.reservation as string;
    const r5 = await requestProof(rpc, requester, { circuitId: toHex(PREIMAGE_ID), inputs: { preimage: 10n, hash: poseidon1([10n]) }, maxPrice: QRY, reservation });
    const r5View = await getRequest(rpc, r5.requestId);
    assert.equal(r5View.status, 'locked');
    assert.equal(r5View.lock!.prover, proverB.address);
    const fill5 = await preimageFill(10n);
    assert.equal((await send(rpc, proverB, [{ type: 'market/fulfill', requestId: fromHex(r5.requestId), ...fill5 }])).result.code, 'OK');
    assert.equal((await getRequest(rpc, r5.requestId)).paid, '300000');

    // an identical request is answered from the cache in its own transaction, paying the original prover
    const again = await requestProof(rpc, requester, { circuitId: toHex(PREIMAGE_ID), inputs: { preimage: 7n, hash: poseidon1([x]) }, maxPrice: 2n * QRY });
    const cached = await getRequest(rpc, again.requestId);
    assert.equal(cached.status, 'fulfilled');
    assert.equal(cached.proof!.proof, r1View.proof!.proof);
    assert.equal(cached.paid, r1View.paid, 'at the price the first request paid');

    // an unprovable request (the hash is not Poseidon(9)): A is matched, finds no witness and declines
    // within its accept window — not slashed, one log line, the request open to others
    const bad = await requestProof(rpc, requester, { circuitId: toHex(PREIMAGE_ID), inputs: { preimage: 9n, hash: 12345n }, maxPrice: 2n * QRY });
    await miner.waitFor(/decline [0-9a-f]{12} \(no witness for its inputs\): OK/, 60_000);
    const badView = await getRequest(rpc, bad.requestId);
    assert.equal(badView.status, 'open');
    assert.deepEqual(badView.declinedBy, [proverA.address]);
    assert.equal(miner.output.match(/has no witness/g)?.length, 1, 'one line per unprovable job, no retries');

    // one request per mode through the SDK; book and stake sealed: the preimage never goes on chain
    const sdk = await SigningQuarryClient.connectWithSigner(url0, Ed25519Wallet.fromSecretKey(requester.secretKey));
    const sealedTo: string[] = [];
    for (const [mode, secret] of [['book', 31n], ['stake', 32n]] as const) {
      const { requestId, sealer } = await sdk.requestProof({ circuitId: toHex(PREIMAGE_ID), inputs: { hash: poseidon1([secret]) }, privateInputs: { preimage: secret }, maxPrice: 2n * QRY, mode }, { onSeal: (p) => sealedTo.push(p) });
      const view = await sdk.getMarketRequest(requestId);
      assert.deepEqual([view.mode, view.inputs.map((i) => i.name), view.sealed], [mode, ['hash'], toHex(sealer!.sealed.commitment)]);
      const delivered = await sdk.waitForProof(requestId, 120_000);
      assert.deepEqual([delivered.prover, delivered.publicSignals], [proverA.address, [poseidon1([secret]).toString()]], `${mode}: proved from the sealed inputs`);
      await sealer!.done;
    }
    assert.deepEqual(sealedTo, [proverA.address, proverA.address]);
    // and sealed through the CLI, in stake mode: it seals while it waits for the proof
    const cliSealed = await runQuarry(['--home', cli.path, 'tx', 'market', 'request', '--from', requester.name, '--rpc', url0, '--circuit', 'poseidon-preimage', '--mode', 'stake', '--inputs', JSON.stringify({ hash: poseidon1([33n]).toString() }), '--private-inputs', '{"preimage":"33"}', '--max-price', '2qry', '--wait-proof']);
    assert.equal(cliSealed.code, 0, cliSealed.stderr);
    assert.match(cliSealed.stderr, new RegExp(`sealed the private inputs to ${proverA.address}`));
    assert.match(cliSealed.stdout, new RegExp(`"prover": "${proverA.address}"`), 'the proof printed');
    const BOUND = exampleCircuits().find((c) => c.name === 'bound-preimage')!;
    const race = await sdk.requestProof({ circuitId: toHex(circuitIdOf(BOUND.vk, BOUND.wasmHash)), inputs: { hash: poseidon1([41n]), preimage: 41n }, maxPrice: QRY, mode: 'race', lockBlocks: 15n, deadlineBlocks: 60n });
    const won = await sdk.waitForProof(race.requestId, 120_000);
    assert.equal(won.prover, proverA.address);
    assert.equal(won.publicSignals.at(-1), BigInt(`0x${toHex(decodeAddress(proverA.address))}`).toString(), 'the proof names its prover');
    await miner.waitFor(/join race [0-9a-f]{12}: OK[\s\S]*reveal fill [0-9a-f]{12}: OK/, 10_000);
    sdk.disconnect();

    // the totals since genesis count what happened above, over RPC
    const totals = await rpc.get<MarketTotals>('/market/totals');
    assert.ok(BigInt(totals.slashes) >= 2n && BigInt(totals.fromCache) >= 1n && BigInt(totals.declines) >= 1n, JSON.stringify(totals));
    assert.ok(BigInt(totals.fulfilled) >= BigInt(totals.onTime) + BigInt(totals.fromCache) && BigInt(totals.requests) >= BigInt(totals.fulfilled), JSON.stringify(totals));

    // the query CLI shows the book
    const q = await runQuarry(['query', 'market', 'prover', proverA.address, '--rpc', url0, '--json']);
    assert.equal(q.code, 0, q.stderr);
    const a = JSON.parse(q.stdout) as { onTime: string; slashed: string; reputationPpm: string; onTimeValue: string; lockedValue: string };
    assert.ok(BigInt(a.onTime) >= 2n && a.slashed === '0', q.stdout);
    assert.equal(BigInt(a.reputationPpm), (BigInt(a.onTimeValue) * 1_000_000n) / (BigInt(a.lockedValue) + 10n * QRY), 'price-weighted from the 10 QRY prior');
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- prover A ---\n${miner?.output.slice(-3000)}`, { cause: err });
  } finally {
    await miner?.kill('SIGTERM');
    await net.cleanup();
    cli.cleanup();
  }
});
