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
import { Adversary } from '../../node/testnet/adversary.ts';
import { devnetAccount, devnetValidatorKey } from '../../genesis/builder.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { broadcastTx, buildTx } from '../../client/tx-builder.ts';

test('double signing is slashed, hostile gossip is banned, delegation moves power and pays', { timeout: 420_000 }, async () => {
  const net = await startTestDevnet({ validators: 4, run: [0, 1, 2] });
  let adversary: Adversary | null = null;
  try {
    const status = await net.rpc(0).get<{ genesisHash: string; chainId: string }>('/status');
    adversary = await Adversary.start({ chainId: status.chainId, genesisHash: status.genesisHash, peers: net.devnet.nodes.slice(0, 3).map((n) => n.p2p) });
    await until('blocks with three of four validators', async () => (await net.height(0)) >= 3n);
    await until('the adversary to be connected', async () => adversary!.connected() === 3);
    await new Promise((r) => setTimeout(r, 2_000)); // gossipsub mesh

    // epoch proofs are served over libp2p from the node's home, byte for byte (docs/epochs.md §serving)
    const node0 = net.devnet.nodes[0]!;
    assert.equal(await adversary.net.epochProof(node0.peerId, null), null, 'no proof stored yet');
    const stored = { epoch: '7', maxSize: 4, vk: { data: 'vk', hash: '1' }, proof: { publicInput: [], publicOutput: ['1', '7', '2'], maxProofsVerified: 1, proof: 'p' } };
    new EpochProofStore(homePaths(node0.home).epochProofs).put(stored as unknown as StoredEpochProof);
    const served = await adversary.net.epochProof(node0.peerId, null);
    assert.deepEqual(JSON.parse(Buffer.from(served!).toString('utf8')), stored, 'the latest proof, as stored');
    assert.equal(await adversary.net.epochProof(node0.peerId, 6n), null, 'an epoch not stored');

    // --- double sign with validator 3's key: two prevotes per height for the next few heights
    const key = devnetValidatorKey(3);
    const { validators } = await net.rpc(0).get<{ validators: Array<{ address: string }> }>('/validators');
    const index = validators.findIndex((v) => v.address === devnetAccount('validator-3').address);
    await adversary.doubleSign(key, index, (await net.height(0)) + 1n, 4);
    const tombstoned = async () => {
      const { validators: all } = await net.rpc(1).get<{ validators: Array<{ operator: string; tombstoned: boolean; tokens: string }> }>('/staking/validators');
      return all.find((v) => v.operator === devnetAccount('validator-3').address)!;
    };
    await until('validator 3 to be slashed and tombstoned', async () => (await tombstoned()).tombstoned, 90_000);
    assert.ok(BigInt((await tombstoned()).tokens) < 100_000_000n, 'its stake was slashed');

    // --- hostile gossip: malformed, oversize, badly signed — rejected until the peers ban us
    const before = await net.height(0);
    await adversary.junk(key, index, before + 1n, 6);
    await until('the honest nodes to disconnect the adversary', async () => adversary!.connected() === 0, 30_000);
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
