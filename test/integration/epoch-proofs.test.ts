/**
 * Recursive epoch proofs end to end (docs/epochs.md), with real o1js proofs over a real node: a
 * validator joins (the set changes), the node signs and records handoffs, the prover proves
 * epochs 0–3 recursively, a full node fetches the proofs over libp2p, and the light client verifies an account from genesis. Then every
 * tamper is refused with its own reason, through a proxy that rewrites the node's answers.
 * Uses a 4-slot epoch program (staking maxValidators 4) so compiling and proving stay in minutes.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { readdirSync, writeFileSync } from 'node:fs';
import { runQuarry } from '../helpers/proc.ts';
import { genesisToJson } from '../../node/genesis.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeGenesis, makeTx, deterministicUser, USER_BALANCE } from '../helpers/chain.ts';
import { startTestNode } from '../helpers/node.ts';
import { until } from '../helpers/devnet.ts';
import { devnetValidatorKey } from '../../genesis/builder.ts';
import { DEFAULT_CONFIG } from '../../node/config.ts';
import { validatorKeyFromSecret, validatorRegistration } from '../../node/crypto/keyfile.ts';
import { blsKeyGen } from '../../node/crypto/bls.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { createLogger } from '../../node/log.ts';
import { decodeAs, encode } from '../../protocol/encoding/cbor.ts';
import { fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import { commitSchema } from '../../consensus/messages.ts';
import { EpochProverLoop } from '../../node/epoch/prover.ts';
import { epochOutput, verifyEpochProof, type EpochProofJson, type VerificationKey } from '../../consensus/epoch/program.ts';
import { epochView } from '../../node/modules/epoch/view.ts';
import { boundaryOf } from '../../node/chain/handoffs.ts';
import { LightClient, LightClientError } from '../../light/light-client.ts';
import { LightDaemon } from '../../light/daemon.ts';
import { lightApi } from '../../light/serve.ts';
import { genesisHash } from '../../node/genesis.ts';
import { txHash } from '../../protocol/tx.ts';
import { PINNED_EPOCH_VK_HASHES } from '../../consensus/epoch/verification-keys.ts';
import { formatAmount } from '../../client/amount.ts';
import { runExplorer } from '../helpers/explorer.ts';

import { pallasSecretFromBls, pallasSign } from '../../node/crypto/pallas.ts';
import { handoffFields } from '../../node/modules/epoch/handoff.ts';
import type { Genesis } from '../../node/genesis.ts';

type Rewrite = (path: string, body: Record<string, unknown>) => Record<string, unknown>;

/** An HTTP proxy in front of the node that lets a test rewrite JSON answers. */
async function proxy(target: string): Promise<{ url: string; rewrite: (r: Rewrite | null) => void; close: () => Promise<void> }> {
  let rewrite: Rewrite | null = null;
  const server: Server = createServer(async (req, res) => {
    try {
      const upstream = await fetch(target + req.url!);
      let body = (await upstream.json()) as Record<string, unknown>;
      if (rewrite && upstream.ok) body = rewrite(req.url!, structuredClone(body));
      res.writeHead(upstream.status, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(body));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ error: { code: 'E_INTERNAL', message: `proxy: ${(err as Error).message}` } }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rewrite: (r) => (rewrite = r),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return err instanceof LightClientError ? err.code : `unexpected: ${(err as Error).message}`;
  }
}

test('epochs 0–3 prove recursively across a validator-set change; the light client verifies an account and refuses every tamper', { timeout: 1_500_000 }, async (t) => {
  const [user, alice] = [deterministicUser(0), deterministicUser(1)];
  const validator = devnetValidatorKey(0);
  const genesis: Genesis = await makeGenesis([user, alice], deterministicUser(1000), validator, { epochLength: 4n }, {}, { maxValidators: 4n });
  const { node, stop } = await startTestNode(genesis, validator, { consensus: { ...DEFAULT_CONFIG.consensus, blockTimeMs: 250 } });
  // a full node with no prover of its own: it fetches the proofs from the validator over libp2p
  const full = await startTestNode(genesis, null, { p2p: { ...DEFAULT_CONFIG.p2p, listen: ['/ip4/127.0.0.1/tcp/0'], peers: [node.network!.multiaddrs()[0]!] }, epochProofs: { fetchFromPeers: true, fetchIntervalMs: 500 } });
  const front = await proxy(node.rpc!.url);
  const proverLines: string[] = [];
  const log = createLogger({ level: 'info', format: 'json', stream: { write: (line: string) => proverLines.push(line) } as unknown as NodeJS.WritableStream });
  let daemon: LightDaemon | undefined;
  let api: ReturnType<typeof lightApi> | undefined;
  // where the minutes go (the suite's budget): each phase's duration as a diagnostic
  let mark = performance.now();
  const phase = (what: string) => {
    t.diagnostic(`phase: ${what} in ${Math.round(performance.now() - mark)} ms`);
    mark = performance.now();
  };
  try {
    // alice joins with a fifth of the genesis validator's power: the set changes at the next boundary
    const key = validatorKeyFromSecret(blsKeyGen().secretKey);
    const reg = await validatorRegistration(key, decodeAddress(alice.address));
    const create = { type: 'staking/create-validator', blsPubKey: reg.blsPublicKey, proofOfPossession: reg.proofOfPossession, pallasPubKey: reg.pallasPubKey, pallasProofOfPossession: reg.pallasProofOfPossession, commissionPpm: 0n, moniker: 'alice', selfBond: 20_000_000n } as AnyMsg;
    await node.services.ingress.submitTx(makeTx(alice, [create], { sequence: 0n, fee: 200_000n }));
    const state = () => node.services.chain.latestState;
    await until('the handoff into epoch 3 completes', async () => (await epochView(state(), 3n, boundaryOf(node.services.chain)).catch(() => null))?.handoff.complete === true, 120_000);
    phase('the chain reaches the handoff into epoch 3');
    const sizes = await Promise.all([0n, 1n, 2n, 3n].map(async (e) => (await epochView(state(), e, boundaryOf(node.services.chain))).members.length));
    assert.ok(sizes[0] === 1 && sizes[3] === 2, `the set grows from 1 to 2 members (sizes ${sizes})`);

    // a transfer inside epoch 3 (blocks 13–16), for the daemon's inclusion proof below
    const transfer = makeTx(alice, [{ type: 'bank/send', to: decodeAddress(deterministicUser(2).address), amount: 1n } as AnyMsg], { sequence: 1n, fee: 200_000n });
    await node.services.ingress.submitTx(transfer);
    // one prover, compiled once: epoch 0 (the genesis proof), then epochs 1–3 in one recursive step
    const prover = new EpochProverLoop({ rpcUrl: node.rpc!.url, home: node.o.home, keysDir: `${node.o.home}/epoch-keys`, log, pollMs: 200 });
    await prover.run(0n);

    phase('compiled the program and proved epoch 0');
    // the daemon: verified from genesis at epoch 0, then it follows the prover to epoch 3 (the set changes on the way)
    const vkHash = prover.store.get(0n).vk.hash;
    const daemonOf = (rpcUrl: string, o: Partial<ConstructorParameters<typeof LightClient>[0]> = {}) => new LightDaemon(new LightClient({ rpcUrl, genesis, trustedVkHash: vkHash, ...o }), { pollMs: 200 });
    const following = daemonOf(front.url);
    daemon = following;
    const started = await following.start();
    assert.equal(started.epoch, 0n);
    phase('the daemon verified epoch 0 (cold start)');
    api = lightApi(following, { chainId: genesis.chainId, genesisHash: toHex(genesisHash(genesis)), source: () => front.url });
    const apiUrl = await api.listen({ host: '127.0.0.1', port: 0 });
    const ask = async <T>(path: string) => (await (await fetch(apiUrl + path)).json()) as T;
    await prover.run(3n);
    phase('proved epochs 1–3 in one step');
    const stored = prover.store.get(3n);
    assert.equal(stored.epoch, '3');
    assert.deepEqual([prover.store.has(1n), prover.store.has(2n)], [false, false], 'epochs 1–3 were all ready: one recursive step proved them (docs/epochs.md §keeping up)');
    for (const line of proverLines.filter((l) => /epoch program ready|epoch proven/.test(l))) {
      const { msg, ms, epoch, handoffs } = JSON.parse(line) as { msg: string; ms: number; epoch?: string; handoffs?: number };
      t.diagnostic(`prover: ${msg}${epoch === undefined ? '' : ` ${epoch} (${handoffs} handoffs)`} in ${ms} ms`);
    }

    // proving blocks this process's event loop (the node runs in it), so the tip may still be inside epoch 3
    await until('block 16, the last of epoch 3, is committed', async () => (await node.services.chain.getCommit(16n)) !== undefined, 60_000);
    const client = (o: Partial<ConstructorParameters<typeof LightClient>[0]> = {}) => new LightClient({ rpcUrl: front.url, genesis, trustedVkHash: stored.vk.hash, ...o });
    const answer = await client().verifyAccount(user.address);
    assert.equal(answer.balance, USER_BALANCE, 'the verified balance is the genesis balance');
    assert.equal(answer.epoch, 3n);
    assert.equal(answer.height, 16n, 'the last block the proven set signed');
    assert.equal(Object.keys(answer.timings).join(), 'epochProof,validatorSet,commit,account');
    t.diagnostic(`light client steps (ms): ${JSON.stringify(answer.timings)}`);

    phase('the light client verified an account');
    await until('the daemon follows to epoch 3', async () => following.head().epoch === 3n && following.head().height === 16n, 60_000);
    const viaDaemon = await ask<{ balance: string; verified: { epoch: string; height: string; header: string } }>(`/accounts/${user.address}`);
    assert.deepEqual([viaDaemon.balance, viaDaemon.verified.epoch, viaDaemon.verified.height], [String(USER_BALANCE), '3', '16']);
    const txHeight = await node.services.chain.getTx(txHash(transfer)).then((f) => f!.height);
    const inProvenEpoch = txHeight > 12n && txHeight <= 16n;
    assert.equal((await ask<{ sequence: string }>(`/accounts/${alice.address}`)).sequence, txHeight <= 16n ? '2' : '1', 'alice\'s transactions up to block 16 are in the verified state');
    assert.equal((await ask<{ members: unknown[] }>('/validators')).members.length, 2, 'the proven set of epoch 3');
    const included = await ask<{ included?: boolean; height?: string; error?: { code: string } }>(`/txs/${toHex(txHash(transfer))}`);
    if (inProvenEpoch) assert.deepEqual([included.included, included.height], [true, String(txHeight)], 'included in a block the proven set signed');
    else assert.equal(included.error?.code, 'E_LIGHT_TX', `block ${txHeight} is outside the proven epoch`);
    t.diagnostic(`light daemon: cold start ${following.coldStartMs} ms, transfer in block ${txHeight}`);
    assert.equal((await ask<{ error: { code: string } }>(`/market/requests/${'00'.repeat(32)}`)).error.code, 'E_NOT_FOUND', 'proven absent');
    assert.equal((await ask<{ error: { code: string } }>('/accounts/qry1bad')).error.code, 'E_DECODE');

    phase('the daemon followed to epoch 3 and answered');
    // the CLI: the verified answer through the running daemon; a refusal is one line and exit code 1
    const genesisFile = `${node.o.home}/light-genesis.json`;
    writeFileSync(genesisFile, JSON.stringify(genesisToJson(genesis)));
    const light = (g: string, ...args: string[]) => runQuarry(['--home', `${node.o.home}/light-home`, 'light', '--rpc', front.url, '--genesis', g, '--vk-hash', stored.vk.hash, ...args]);
    const cli = await light(genesisFile, '--daemon', apiUrl, 'account', user.address);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, new RegExp(`light daemon ${apiUrl.replace(/[.]/g, '\\.')}`));
    assert.match(cli.stdout, new RegExp(`balance\\s+${USER_BALANCE} uqry`));
    assert.match(cli.stdout, /verified\s+at height 16 \(epoch 3\)/);
    writeFileSync(`${genesisFile}.other`, JSON.stringify(genesisToJson({ ...genesis, genesisTime: genesis.genesisTime + 1n })));
    const refused = await light(`${genesisFile}.other`, 'status');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error: E_LIGHT_GENESIS: the epoch proof descends from another genesis\n$/);

    phase('the light CLI through the daemon, and a refusal');
    // freshness: a source serving an older, valid proof is outvoted by an honest one; alone, it is refused as stale
    const epoch0 = (await (await fetch(`${node.rpc!.url}/epoch-proofs/0`)).json()) as Record<string, unknown>;
    const stale = await proxy(node.rpc!.url);
    stale.rewrite((p, b) => (p.startsWith('/epoch-proofs/latest') ? epoch0 : b));
    const timeOf = async (h: number) => BigInt(((await (await fetch(`${node.rpc!.url}/blocks/${h}`)).json()) as { header: { time: string } }).header.time);
    const [t12, t16] = [await timeOf(12), await timeOf(16)];
    const fresh = { now: () => Number(t16) + 100, maxAgeMs: Number(t16 - t12) / 2 };
    assert.equal(await refusal(client({ rpcUrl: stale.url, ...fresh }).verifyHead()), 'E_LIGHT_STALE', 'an old but valid proof, alone');
    const outvoted = await client({ rpcUrl: stale.url, sources: [front.url], ...fresh }).verifyHead();
    assert.deepEqual([outvoted.epoch, outvoted.height], [3n, 16n], 'the highest proof that verifies wins');
    await stale.close();

    phase('freshness');
    // each tamper is refused with its own reason
    assert.equal(await refusal(client({ trustedVkHash: stored.vk.hash.slice(0, -1) + (stored.vk.hash.endsWith('1') ? '2' : '1') }).verifyHead()), 'E_LIGHT_VK', 'a proof under another verification key');
    assert.equal(await refusal(client({ genesis: { ...genesis, genesisTime: genesis.genesisTime + 1n } }).verifyHead()), 'E_LIGHT_GENESIS', 'a proof from another genesis');
    const cases: Array<[string, Rewrite, string]> = [
      ['a forged proof output', (p, b) => (p.startsWith('/epoch-proofs') ? { ...b, proof: { ...(b.proof as { publicOutput: string[] }), publicOutput: [(b.proof as { publicOutput: string[] }).publicOutput[0]!, '3', '5'] } } : b), 'E_LIGHT_PROOF'],
      ['a swapped validator set', (p, b) => (p.startsWith('/epochs/3') ? { ...b, members: (b.members as Array<Record<string, string>>).map((m) => ({ ...m, power: '1000' })) } : b), 'E_LIGHT_VALSET'],
      ['a commit with too little stake', (p, b) => (p.startsWith('/headers/') ? { ...b, commit: recommit(b.commit as string, (c) => ({ ...c, signers: new Uint8Array(c.signers.length) })) } : b), 'E_LIGHT_COMMIT'],
      ['a commit with a bad signature', (p, b) => (p.startsWith('/headers/') ? { ...b, commit: recommit(b.commit as string, (c) => ({ ...c, signature: Uint8Array.from(c.signature, (x, i) => (i === 50 ? x ^ 1 : x)) })) } : b), 'E_LIGHT_COMMIT'],
      ['a wrong account proof', (p, b) => (p.startsWith('/accounts/') ? { ...b, balance: String(USER_BALANCE * 2n) } : b), 'E_LIGHT_ACCOUNT'],
    ];
    for (const [what, rewrite, code] of cases) {
      front.rewrite(rewrite);
      assert.equal(await refusal(client().verifyAccount(user.address)), code, what);
      // the daemon through the same tamper: at its cold start, or for the query the tamper touches
      const tampered = daemonOf(front.url, { trustedVkHash: stored.vk.hash });
      const verdict = await refusal(tampered.start().then(() => tampered.account(user.address)));
      tampered.stop();
      assert.equal(verdict, code, `${what}, through the daemon`);
    }
    front.rewrite((p, b) => (p.startsWith('/state-proofs') ? { ...b, proof: { ...(b.proof as object), value: null } } : b));
    assert.equal((await ask<{ error: { code: string } }>(`/market/requests/${'00'.repeat(32)}`)).error.code, 'E_NOT_FOUND', 'an absent record stays absent');
    front.rewrite((p, b) => (p.includes('/inclusion') ? { ...b, hashes: [...(b.hashes as string[]), '00'.repeat(32)] } : b));
    if (inProvenEpoch) assert.equal((await ask<{ error: { code: string } }>(`/txs/${toHex(txHash(transfer))}`)).error.code, 'E_LIGHT_TX', 'a block\'s transactions not the ones its header commits to');
    phase('five tampers, by the client and through the daemon');
    // a forgery: another circuit's key sent beside the pinned hash, and that circuit's proof of the
    // real epoch 3 output (o1js verifies against the key's data alone; before the key was checked
    // against its hash, this passed as the epoch proof)
    const forged = await forgeEpochProof(epochOutput(stored.proof));
    front.rewrite((p, b) => (p.startsWith('/epoch-proofs') ? { ...b, vk: { data: forged.vk.data, hash: stored.vk.hash }, proof: forged.proof } : b));
    assert.equal(await refusal(client().verifyAccount(user.address)), 'E_LIGHT_VK', "another circuit's key under the pinned hash");
    assert.equal(await verifyEpochProof(forged.proof, forged.vk), true, 'the forged proof is valid under its own key, which the pin refuses');
    front.rewrite(null);
    assert.equal(await refusal(client({ now: () => Date.now() + 30 * 24 * 3600 * 1000 }).verifyHead()), 'E_LIGHT_EXPIRED', 'a header older than the trusting period');

    phase('a forged proof under another circuit\'s key');
    // the circuit (the prover's, already compiled) refuses, after valid handoffs in the same batch, a
    // handoff signed by no more than 2/3 of the outgoing power, and one signed by a set other than
    // the one committed to (here the committed members with one power changed)
    const { program } = await prover.compiled();
    const viewOf = (e: bigint) => epochView(state(), e, boundaryOf(node.services.chain));
    const [v0, v1, v2, v3] = [await viewOf(0n), await viewOf(1n), await viewOf(2n), await viewOf(3n)];
    const into = (signer: typeof v1, view: typeof v1, signatures = view.handoff.signatures) => ({ members: signer.members, signatures, next: view.commitment, boundary: { headerHash: view.boundary!.hash, stateRoot: view.boundary!.stateRoot } });
    const aliceIndex = v2.members.findIndex((m) => m.power < 50n);
    const aliceSignature = await pallasSign(pallasSecretFromBls(key.blsSecretKey), await handoffFields(state(), 3n, v3.boundary!));
    const genesisProof = prover.store.get(0n).proof;
    await assert.rejects(program.proveHandoffs(genesisProof, [into(v0, v1), into(v1, v2), into(v2, v3, new Map([[aliceIndex, aliceSignature]]))]), /2\/3/);
    const otherSet = { ...v1, members: v1.members.map((m, i) => (i === 0 ? { ...m, power: m.power + 1n } : m)) };
    await assert.rejects(program.proveHandoffs(genesisProof, [into(v0, v1), into(otherSet, v2)]), /not the set the previous epoch committed to/);
    assert.equal(stored.vk.hash, PINNED_EPOCH_VK_HASHES[4], 'the pinned 4-slot verification key is current (update consensus/epoch/verification-keys.ts)');

    phase('the circuit refuses two bad handoff batches');
    // the full node fetched the newest proof from its peer, verified it, and serves it
    await until('the full node holds the proof of epoch 3', async () => full.node.services.epochProofs.latest() === 3n, 240_000);
    assert.deepEqual(full.node.services.epochProofs.get(3n), stored);
    const served = (await (await fetch(`${full.node.rpc!.url}/epoch-proofs/latest`)).json()) as { epoch: string };
    assert.equal(served.epoch, '3');
    // its verifier stored o1js's wrap-domain Lagrange basis beside the SRS: its next cold start verifies in seconds
    assert.ok(readdirSync(`${full.node.o.home}/light-cache`).some((f) => /^lagrange-basis-fq-\d+$/.test(f)), 'the verifier cache holds the Lagrange basis');

    phase('the full node fetched and verified epoch 3');
    // the explorer the full node serves verifies epoch 3 from genesis in the browser, shows the
    // node's balance as verified, and flags an answer tampered in flight (docs/explorer.md)
    const page = await runExplorer(`${full.node.rpc!.url}/explorer/`, user.address, alice.address);
    assert.equal(page.state.verified, 'yes', `explorer: ${page.state.text}`);
    assert.deepEqual([page.epoch, page.height], ['3', '16']);
    const nodeBalance = (await (await fetch(`${full.node.rpc!.url}/accounts/${user.address}`)).json()) as { balance: string };
    assert.deepEqual(page.account, { verified: 'yes', balance: `${formatAmount(nodeBalance.balance)} QRY` }, 'the verified balance is the node\'s');
    assert.deepEqual(page.tampered, { verified: 'no', code: 'E_LIGHT_ACCOUNT' }, 'a balance changed in flight is flagged');
    // the first visit stored o1js's Lagrange basis in the browser; the second loads it instead of computing it
    assert.ok(page.phases.some((p) => /^stored the verifier's Lagrange basis/.test(p.msg)), 'the first visit stores the basis');
    assert.equal(page.again.verified, 'yes');
    assert.ok(page.again.phases.some((p) => /^loaded the verifier's Lagrange basis/.test(p.msg)), 'the second visit loads it');
    phase('the explorer, two visits');
    for (const [visit, run] of [['first', page], ['second', page.again]] as const) {
      t.diagnostic(`explorer ${visit} visit: first verified number ${run.firstVerifiedMs} ms after navigation (cold start ${run.coldStartMs} ms); ${run.phases.map((p) => `${p.at} ms ${p.msg}`).join(' | ')}`);
    }
  } finally {
    daemon?.stop();
    await api?.close();
    await front.close();
    await full.stop();
    await stop();
  }
});

function recommit(hex: string, change: (c: ReturnType<typeof decodeCommit>) => ReturnType<typeof decodeCommit>): string {
  return toHex(encode(change(decodeCommit(hex))));
}

function decodeCommit(hex: string) {
  return decodeAs(commitSchema, fromHex(hex));
}

/** A trivial circuit that outputs whatever it is given, in the epoch proof's output layout. */
async function forgeEpochProof(out: { genesisId: bigint; epoch: bigint; commitment: bigint }): Promise<{ vk: VerificationKey; proof: EpochProofJson }> {
  const { ZkProgram, Field, Struct } = await import('o1js');
  class Claim extends Struct({ genesisId: Field, epoch: Field, commitment: Field }) {}
  const forger = ZkProgram({
    name: 'forger',
    publicOutput: Claim,
    methods: {
      claim: {
        privateInputs: [Field, Field, Field],
        async method(genesisId: InstanceType<typeof Field>, epoch: InstanceType<typeof Field>, commitment: InstanceType<typeof Field>) {
          return { publicOutput: new Claim({ genesisId, epoch, commitment }) };
        },
      },
    },
  });
  const { verificationKey } = await forger.compile();
  const { proof } = await forger.claim(Field(out.genesisId), Field(out.epoch), Field(out.commitment));
  return { vk: { data: verificationKey.data, hash: verificationKey.hash.toString() }, proof: proof.toJSON() };
}
