/**
 * The client SDK against a real two-validator devnet: every QuarryClient query, every
 * SigningQuarryClient method (transfers in flight together, a stale sequence recovered, staking,
 * the proof market end to end with a real Groth16 fill), wallets, event subscriptions, and the
 * typed error codes for bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDevnet, faucet, until } from '../helpers/devnet.ts';
import { preimageFill, PREIMAGE_ID } from '../helpers/market.ts';
import { QuarryClient, SigningQuarryClient, Ed25519Wallet, verifyBlockProofs, RpcError, TxFailedError, QuarryClientError, poseidonHash, proofToSnarkjs, type ChainEventJson, type Signer } from '../../client/index.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { encodeProof, fromSnarkjs } from '../../protocol/proof-codec.ts';

const QRY = 1_000_000n;

const rejects = (p: Promise<unknown>, Type: new (...a: never[]) => QuarryClientError, code: string) =>
  assert.rejects(p, (e: unknown) => e instanceof Type && (e as QuarryClientError).code === code);

test('SDK: queries, signing, staking, market, subscriptions and error codes on a devnet', { timeout: 300_000 }, async () => {
  const net = await startTestDevnet({ validators: 2 });
  try {
    const url = net.devnet.nodes[0]!.rpc;
    await rejects(QuarryClient.connect('http://127.0.0.1:1', { timeoutMs: 2_000 }), RpcError, 'E_UNAVAILABLE');
    const client = await QuarryClient.connect(url);
    const blocks: ChainEventJson[] = [];
    const states: boolean[] = [];
    const sub = client.subscribe(['block'], (e) => blocks.push(e), { onConnection: (c) => states.push(c) });

    // reads
    const status = await client.getStatus();
    assert.equal(await client.getChainId(), status.chainId);
    await until('block 2', async () => (await client.getHeight()) >= 2n);
    assert.equal((await client.getBlock(1)).header.height, '1');
    assert.ok(BigInt((await client.getBlock()).header.height) >= 2n);
    await rejects(client.getBlock(10n ** 9n), RpcError, 'E_NOT_FOUND');
    await rejects(client.getAccount('qry1notanaddress'), RpcError, 'E_DECODE');
    assert.equal((await client.getPuzzle()).circuit, 'posw-small');
    assert.deepEqual((await client.getCircuits()).map((c) => c.name), ['poseidon-preimage', 'merkle-membership', 'bound-preimage']);
    assert.deepEqual(await client.getAsks(), []);
    assert.ok((await client.getNetInfo()).peers.length >= 1);
    assert.equal(typeof (await client.getMempool()).txs, 'number');
    const validators = await client.getValidators();
    assert.equal(validators.length, 2);

    // wallets
    const alice = Ed25519Wallet.generate();
    assert.equal(Ed25519Wallet.fromMnemonic(alice.mnemonic!).address, alice.address);
    assert.notEqual(Ed25519Wallet.fromMnemonic(alice.mnemonic!, 1).address, alice.address);
    assert.throws(() => Ed25519Wallet.fromMnemonic('abandon abandon abandon'), (e: unknown) => e instanceof QuarryClientError && e.code === 'E_KEY');
    const bob = Ed25519Wallet.generate();

    // transfers: several in flight from one client, each with its own sequence
    const bank = await SigningQuarryClient.connectWithSigner(url, Ed25519Wallet.fromSecretKey(faucet.secretKey));
    const sent = await Promise.all([bank.send(alice.address, 500n * QRY), bank.send(bob.address, 3n * QRY), bank.send(bob.address, 2n * QRY)]);
    assert.ok(sent.every((r) => r.result.code === 'OK'));
    assert.equal(await client.getBalance(bob.address), 5n * QRY);
    assert.equal((await client.getTx(sent[0]!.hash)).result.code, 'OK');
    const bySender = await client.searchTx({ sender: bank.address });
    assert.deepEqual(new Set(bySender.map((t) => t.hash)), new Set(sent.map((r) => r.hash)), 'the faucet sent exactly these');
    assert.ok(bySender.every((t, i) => i === 0 || BigInt(t.height) <= BigInt(bySender[i - 1]!.height)), 'newest first');
    const inBlock = await client.searchTx({ height: BigInt(sent[0]!.height) });
    assert.ok(inBlock.some((t) => t.hash === sent[0]!.hash && t.result.code === 'OK'));
    assert.deepEqual(await client.searchTx({ sender: bank.address, before: BigInt(bySender.at(-1)!.height) }), []);
    assert.deepEqual(await client.searchTxPage({ sender: bank.address }), { txs: bySender, next: null }, 'one page holds them all: no cursor');
    await rejects(client.rpc.get('/txs?limit=5'), RpcError, 'E_BAD_REQUEST');
    const verified = await client.getVerifiedAccount(alice.address);
    assert.equal(verified.balance, String(500n * QRY));
    assert.match(verified.stateRoot, /^[0-9a-f]{64}$/);

    // a second client for the same key makes the first one's sequence stale: it re-reads and retries
    const other = await SigningQuarryClient.connectWithSigner(url, Ed25519Wallet.fromSecretKey(faucet.secretKey));
    await other.send(bob.address, QRY);
    assert.equal((await bank.send(bob.address, QRY)).result.code, 'OK');
    assert.equal(await client.getBalance(bob.address), 7n * QRY);

    // an offline signer (a hardware or extension wallet: no secret key in sight) is asked once per transaction
    const signed: number[] = [];
    const offline: Signer = { address: bob.address, publicKey: bob.publicKey, sign: async (m) => (signed.push(m.length), bob.sign(m)) };
    const bobOffline = await SigningQuarryClient.connectWithSigner(url, offline);
    const preview = await bobOffline.simulate([{ type: 'bank/send', to: alice.address, amount: 1 }]);
    assert.equal(preview.sequence, await client.getSequence(bob.address));
    assert.equal(preview.fee, preview.weight * BigInt((await client.rpc.get<{ chain: { minFeeRate: string } }>('/params')).chain.minFeeRate));
    const viaOffline = await bobOffline.signAndBroadcast([{ type: 'bank/send', to: alice.address, amount: 1 }]);
    assert.equal(signed.length, 1);
    assert.equal(viaOffline.result.code, 'OK');
    assert.ok(viaOffline.result.events.some((e) => e.type === 'transfer'), 'the result carries the receipt events');
    assert.equal(await client.getSequence(bob.address), preview.sequence + 1n);

    // refusals carry the node's codes
    const alicec = await SigningQuarryClient.connectWithSigner(url, alice);
    await rejects(alicec.send(bob.address, 10n ** 15n), RpcError, 'E_INSUFFICIENT_FUNDS');
    await rejects(alicec.send('qry1bad', QRY), QuarryClientError, 'E_DECODE');

    // staking
    const v0 = validators[0]!.operator;
    const v1 = validators[1]!.operator;
    await alicec.delegate(v0, 100n * QRY);
    await alicec.redelegate(v0, v1, 40n * QRY);
    await alicec.undelegate(v1, 10n * QRY);
    const delegations = await client.getDelegations(alice.address);
    assert.deepEqual(delegations.map((d) => [d.validator, d.tokens]).sort(), [[v0, String(60n * QRY)], [v1, String(30n * QRY)]].sort());
    await until('rewards', async () => BigInt((await client.getDelegations(alice.address))[0]!.pendingRewards) > 0n);
    const before = await client.getBalance(alice.address);
    const claim = await alicec.claimRewards(v0);
    assert.equal(claim.result.code, 'OK');
    assert.ok((await client.getBalance(alice.address)) > before - 1_000_000n, 'rewards came back (less the fee)');
    await rejects(alicec.undelegate(v0, 10_000n * QRY), TxFailedError, 'E_INSUFFICIENT_FUNDS');

    // the market: Alice requests, Bob (bonded) locks and fills, Alice gets the proof
    const { requestId } = await alicec.requestProof({ circuitId: toHex(PREIMAGE_ID), inputs: { preimage: 42n, hash: poseidonHash([42n]) }, maxPrice: QRY, collateral: QRY });
    assert.equal((await client.getMarketRequest(requestId)).status, 'open');
    assert.ok((await client.getMarketRequests({ status: 'open' })).some((r) => r.id === requestId));
    await rejects(client.waitForProof(requestId, 1_500), QuarryClientError, 'E_TIMEOUT');
    const bobc = await SigningQuarryClient.connectWithSigner(url, bob);
    await bobc.signAndBroadcast([{ type: 'market/bond', amount: 2n * QRY }, { type: 'market/edit-prover', commissionPpm: 100_000n }]);
    await alicec.delegateProver(bob.address, 6n * QRY);
    await bobc.signAndBroadcast([{ type: 'market/lock', requestId }]);
    assert.equal((await client.getMarketRequests({ prover: bob.address }))[0]!.id, requestId);
    const fill = await preimageFill(42n);
    const filled = await bobc.signAndBroadcast([{ type: 'market/fulfill', requestId, ...fill }]);
    const aggregate = await client.getBlockProofs(filled.height, toHex(PREIMAGE_ID));
    assert.deepEqual(aggregate.proofs.map((p) => [p.request, p.proof]), [[requestId, toHex(fill.proof)]], 'the block\'s proofs for the circuit, as one deliverable');
    assert.equal(aggregate.seed.length, 64);
    const preimageCircuit = (await client.getCircuits()).find((c) => c.name === 'poseidon-preimage')!;
    assert.equal(verifyBlockProofs(aggregate, preimageCircuit.wasmHash), true, 'the aggregate verifies as one batch, under the key the circuit id commits to');
    const bobAsProver = await client.getProver(bob.address);
    assert.deepEqual([bobAsProver.stake, bobAsProver.delegation?.commissionPpm, bobAsProver.delegation?.delegators], [String(8n * QRY), '100000', '1']);
    const share = await client.getProverDelegation(bob.address, alice.address);
    assert.equal(share.tokens, String(6n * QRY));
    assert.ok(BigInt(share.pendingRewards) > 0n, 'Alice earned a share of Bob\'s pay');
    assert.deepEqual((await client.getProverDelegations(bob.address)).map((d) => d.delegator), [alice.address]);
    assert.equal((await alicec.claimProverRewards(bob.address)).result.code, 'OK');
    await rejects(client.getProverDelegation(bob.address, bob.address), RpcError, 'E_NOT_FOUND');
    const proof = await client.waitForProof(requestId, 10_000);
    assert.equal(proof.prover, bob.address);
    assert.equal(proof.publicSignals[0], poseidonHash([42n]).toString());
    assert.equal((await client.getProver(bob.address)).onTime, '1');
    assert.equal(toHex(encodeProof(fromSnarkjs(proofToSnarkjs(proof.proof)))), proof.proof, 'the snarkjs form holds the same proof');

    // events arrived while we worked
    assert.ok(blocks.length >= 3 && blocks.every((b) => b.type === 'block'));
    assert.deepEqual(states.slice(0, 1), [true]);
    client.disconnect();
    const closedAt = blocks.length;
    await until('two more blocks', async () => (await client.getHeight()) >= BigInt(blocks.at(-1)!.type === 'block' ? (blocks.at(-1) as { height: string }).height : '0') + 2n);
    assert.equal(blocks.length, closedAt, 'no events after disconnect');
    sub.close();
  } finally {
    await net.cleanup();
  }
});
