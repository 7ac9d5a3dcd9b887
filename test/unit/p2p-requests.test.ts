/**
 * Request/response over real libp2p on loopback (docs/p2p.md): a node that cannot answer (its
 * handler fails or times out) must not charge the honest requester — that let validators ban each
 * other once answers grew slow and halted the chain — while a requester that sends malformed
 * requests is still banned; and answers above libp2p's default 4 MiB read buffer arrive whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { P2PNetwork, type P2PHandlers } from '../../node/p2p/network.ts';
import { createLogger } from '../../node/log.ts';
import { votesResponseSchema } from '../../node/p2p/messages.ts';
import { until } from '../helpers/devnet.ts';

const quiet = createLogger({ level: 'silent', format: 'json' });

function handlers(votes: P2PHandlers['votes'], artifact: P2PHandlers['artifact'] = () => null): P2PHandlers {
  return {
    gossip: async () => 'ignore',
    status: () => ({ genesisHash: new Uint8Array(32), height: 0n, hash: new Uint8Array(32) }),
    blocks: async () => [],
    votes,
    artifact,
    epochProof: () => null,
  };
}

async function start(votes: P2PHandlers['votes'], peers: string[] = [], artifact?: P2PHandlers['artifact']): Promise<P2PNetwork> {
  return P2PNetwork.start({ key: await generateKeyPair('Ed25519'), config: { listen: ['/ip4/127.0.0.1/tcp/0'], peers, maxPeers: 10 }, chainId: 'quarry-test-1', log: quiet, handlers: handlers(votes, artifact) });
}

const none = () => ({ proposals: [], votes: [] });

/** Sends a request body of the caller's choosing (the class keeps its request path private). */
function rawRequest(net: P2PNetwork, peer: string, body: unknown): Promise<unknown> {
  const request = (net as unknown as { request: (p: string, n: string, b: unknown, s: unknown, m: number) => Promise<unknown> }).request.bind(net);
  return request(peer, 'votes', body, votesResponseSchema, 1 << 20);
}

test('a server that fails to answer does not charge the requester; malformed requests do', { timeout: 60_000 }, async () => {
  const server = await start(() => {
    throw new Error('the node is busy committing a large block');
  });
  const client = await start(none, server.multiaddrs());
  try {
    await until('the client to connect', async () => client.peers().length === 1 && server.peers().length === 1, 15_000);
    const serverId = server.peerId;
    // before the fix each failure cost the requester 10 points: banned after 10
    for (let i = 0; i < 15; i++) await assert.rejects(client.votes(serverId, 5n), 'the server could not answer');
    assert.equal(server.isBanned(client.peerId), false, 'an honest requester is not banned for the server failing');
    assert.equal(server.peers().length, 1, 'still connected');

    for (let i = 0; i < 15; i++) await rawRequest(client, serverId, { junk: 'not a votes request' }).catch(() => undefined);
    await until('the malformed requester to be banned', async () => server.isBanned(client.peerId), 10_000);
    await until('the banned peer to be disconnected', async () => server.peers().length === 0, 10_000);
  } finally {
    await client.stop();
    await server.stop();
  }
});

test('an answer larger than 4 MiB (a circuit artifact) arrives whole', { timeout: 60_000 }, async () => {
  const big = new Uint8Array(6 * 1024 * 1024).map((_, i) => (i * 31) & 0xff);
  const server = await start(none, [], () => big);
  const client = await start(none, server.multiaddrs());
  try {
    await until('the client to connect', async () => client.peers().length === 1, 15_000);
    const got = await client.artifact(server.peerId, new Uint8Array(32));
    assert.equal(got?.length, big.length);
    assert.deepEqual(got, big);
  } finally {
    await client.stop();
    await server.stop();
  }
});

test('penalty points fade: scattered faults never ban, a burst does', { timeout: 30_000 }, async () => {
  let clock = 1_000_000;
  const net = await P2PNetwork.start({ key: await generateKeyPair('Ed25519'), config: { listen: ['/ip4/127.0.0.1/tcp/0'], peers: [], maxPeers: 10 }, chainId: 'quarry-test-1', log: quiet, handlers: handlers(none), now: () => clock });
  try {
    const peer = '12D3KooWQuarryTestPeerNotConnectedAnywhere';
    for (let i = 0; i < 50; i++) {
      net.penalize(peer, 20, 'an occasional fault');
      clock += 30_000; // 20 points every 30 s fade before the next
    }
    assert.equal(net.isBanned(peer), false, 'scattered faults add up to nothing');
    for (let i = 0; i < 5; i++) net.penalize(peer, 20, 'a burst');
    assert.equal(net.isBanned(peer), true, 'five faults at once reach the ban threshold');
    clock += 10 * 60_000 + 1;
    assert.equal(net.isBanned(peer), false, 'the ban expires');
  } finally {
    await net.stop();
  }
});
