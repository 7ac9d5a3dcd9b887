/**
 * Three honest validator processes and an adversary holding the fourth validator's key, speaking
 * real libp2p: its double sign is detected, proven on chain, slashed and tombstoned; its malformed,
 * oversize and badly signed gossip is rejected until the honest nodes ban it; meanwhile the chain
 * keeps committing, and a delegation changes the active set at the next epoch and pays rewards.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { EpochProofStore, type StoredEpochProof } from '../../node/epoch/proof-store.ts';
import { homePaths } from '../../node/config.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDevnet, until, faucet } from '../helpers/devnet.ts';
import { P2PNetwork } from '../../node/p2p/network.ts';
import { createLogger } from '../../node/log.ts';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { devnetAccount, devnetValidatorKey } from '../../genesis/builder.ts';
import { blsSign } from '../../node/crypto/bls.ts';
import { voteSignBytes, type Vote } from '../../consensus/messages.ts';
import { encode } from '../../protocol/encoding/cbor.ts';
import { fromHex } from '../../protocol/encoding/bytes.ts';
import { sha256 } from '../../node/crypto/hash.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { broadcastTx, buildTx } from '../../client/tx-builder.ts';

const quiet = createLogger({ level: 'silent', format: 'json' });

test('double signing is slashed, hostile gossip is banned, delegation moves power and pays', { timeout: 420_000 }, async () => {
  const net = await startTestDevnet({ validators: 4, run: [0, 1, 2] });
  let adversary: P2PNetwork | null = null;
  try {
    const status = await net.rpc(0).get<{ genesisHash: string; chainId: string }>('/status');
    adversary = await P2PNetwork.start({
      key: await generateKeyPair('Ed25519'),
      config: { listen: ['/ip4/127.0.0.1/tcp/0'], peers: net.devnet.nodes.slice(0, 3).map((n) => n.p2p), maxPeers: 10 },
      chainId: status.chainId,
      log: quiet,
      handlers: {
        gossip: async () => 'ignore',
        status: () => ({ genesisHash: fromHex(status.genesisHash), height: 0n, hash: new Uint8Array(32) }),
        blocks: async () => [],
        votes: () => ({ proposals: [], votes: [] }),
        artifact: () => null,
        epochProof: () => null,
      },
    });
    await until('blocks with three of four validators', async () => (await net.height(0)) >= 3n);
    await until('the adversary to be connected', async () => adversary!.peers().length === 3);
    await new Promise((r) => setTimeout(r, 2_000)); // gossipsub mesh

    // epoch proofs are served over libp2p from the node's home, byte for byte (docs/epochs.md §serving)
    const node0 = net.devnet.nodes[0]!;
    assert.equal(await adversary.epochProof(node0.peerId, null), null, 'no proof stored yet');
    const stored = { epoch: '7', maxSize: 4, vk: { data: 'vk', hash: '1' }, proof: { publicInput: [], publicOutput: ['1', '7', '2'], maxProofsVerified: 1, proof: 'p' } };
    new EpochProofStore(homePaths(node0.home).epochProofs).put(stored as unknown as StoredEpochProof);
    const served = await adversary.epochProof(node0.peerId, null);
    assert.deepEqual(JSON.parse(Buffer.from(served!).toString('utf8')), stored, 'the latest proof, as stored');
    assert.equal(await adversary.epochProof(node0.peerId, 6n), null, 'an epoch not stored');

    // --- double sign with validator 3's key: two prevotes per height for the next few heights
    const key = devnetValidatorKey(3);
    const { validators } = await net.rpc(0).get<{ validators: Array<{ address: string }> }>('/validators');
    const index = validators.findIndex((v) => v.address === devnetAccount('validator-3').address);
    const prevote = (height: bigint, fill: number): Vote => {
      const u = { type: 'prevote' as const, height, round: 0, blockHash: sha256(new Uint8Array([fill, Number(height % 256n)])), validatorIndex: index };
      return { ...u, signature: blsSign(voteSignBytes(status.chainId, u), key.blsSecretKey) };
    };
    const now = await net.height(0);
    for (let h = now + 1n; h <= now + 4n; h++) {
      for (const fill of [1, 2]) await adversary.publish('consensus', encode({ type: 'vote', vote: prevote(h, fill) }));
    }
    const tombstoned = async () => {
      const { validators: all } = await net.rpc(1).get<{ validators: Array<{ operator: string; tombstoned: boolean; tokens: string }> }>('/staking/validators');
      return all.find((v) => v.operator === devnetAccount('validator-3').address)!;
    };
    await until('validator 3 to be slashed and tombstoned', async () => (await tombstoned()).tombstoned, 90_000);
    assert.ok(BigInt((await tombstoned()).tokens) < 100_000_000n, 'its stake was slashed');

    // --- hostile gossip: malformed, oversize, badly signed — rejected until the peers ban us
    const before = await net.height(0);
    const badSig = { ...prevote((await net.height(0)) + 1n, 3), signature: new Uint8Array(96).fill(7) };
    for (let i = 0; i < 6; i++) {
      await adversary.publish('consensus', new Uint8Array([0xa1, 0x61, 0x78, i]));
      await adversary.publish('txs', new Uint8Array(300_000).fill(i));
      await adversary.publish('consensus', encode({ type: 'vote', vote: { ...badSig, round: i } }));
      await new Promise((r) => setTimeout(r, 100));
    }
    await until('the honest nodes to disconnect the adversary', async () => adversary!.peers().length === 0, 30_000);
    const peerLists = await Promise.all([0, 1, 2].map((i) => net.rpc(i).get<{ peers: string[] }>('/net')));
    assert.ok(peerLists.every((p) => !p.peers.includes(adversary!.peerId)), 'no honest node keeps the adversary');
    await until('the chain to keep committing', async () => (await net.height(0)) >= before + 3n);

    // --- a delegation changes the active set at the next epoch, and rewards reach the delegator
    const rpc = net.rpc(0);
    const v1 = devnetAccount('validator-1').address;
    const { bytes } = await buildTx(rpc, faucet, [{ type: 'staking/delegate', validator: decodeAddress(v1), amount: 300_000_000n } as AnyMsg]);
    const res = (await broadcastTx(rpc, bytes)) as { result: { code: string } };
    assert.equal(res.result.code, 'OK');
    const power = async () => (await rpc.get<{ validators: Array<{ address: string; power: string }> }>('/validators')).validators.find((v) => v.address === v1)?.power;
    assert.equal(await power(), '100', 'unchanged until the epoch ends');
    await until('the next epoch to change the active set', async () => (await power()) === '400', 120_000);
    const pending = async () => BigInt((await rpc.get<{ delegations: Array<{ validator: string; pendingRewards: string }> }>(`/staking/delegations/${faucet.address}`)).delegations.find((d) => d.validator === v1)?.pendingRewards ?? '0');
    await until('rewards for the delegator', async () => (await pending()) > 0n);
    const balance = async () => BigInt((await rpc.get<{ balance: string }>(`/accounts/${faucet.address}`)).balance);
    const b0 = await balance();
    const claim = await buildTx(rpc, faucet, [{ type: 'staking/claim', validator: decodeAddress(v1) } as AnyMsg]);
    assert.equal(((await broadcastTx(rpc, claim.bytes)) as { result: { code: string } }).result.code, 'OK');
    assert.ok((await balance()) > b0 - 10_000n, 'claimed rewards offset the fee');
    assert.ok((await pending()) < 1_000_000n);
  } finally {
    await adversary?.stop();
    await net.cleanup();
  }
});
