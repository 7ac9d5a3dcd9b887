/**
 * The light daemon's local HTTP API (`quarry light serve`, docs/epochs.md §daemon): every answer
 * is checked against the newest header the daemon verified from genesis and carries that header
 * as `verified`. A check that fails is an error with its light-client code (HTTP 502), nothing of
 * the answer is returned; bad input is E_BAD_REQUEST (400). Bind it to localhost: it trusts its
 * caller and serves no writes.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { QuarryError } from '../protocol/errors.ts';
import { fromHex, toHex } from '../protocol/encoding/bytes.ts';
import { decodeAddress, encodeAddress } from '../protocol/crypto/address.ts';
import { marketRequestJson } from '../node/rpc/routes/market.ts';
import { requestProofs, requests, type ProofRequest } from '../node/modules/market/state.ts';
import { LightClientError } from './light-client.ts';
import { QuarryClientError } from '../client/errors.ts';
import type { Head, LightDaemon } from './daemon.ts';

const HEX32 = /^[0-9a-f]{64}$/;

function verified(h: Head) {
  return { epoch: h.epoch.toString(), height: h.height.toString(), header: h.hash, stateRoot: toHex(h.stateRoot), time: h.time.toString() };
}

function hash32(v: string, what: string): Uint8Array {
  const s = v.toLowerCase();
  if (!HEX32.test(s)) throw new QuarryError('E_BAD_REQUEST', `${what} must be 64 hex characters`);
  return fromHex(s);
}

export function lightApi(daemon: LightDaemon, info: { chainId: string; genesisHash: string; source: () => string }): FastifyInstance {
  const app = Fastify({ logger: false });
  app.setErrorHandler((err, _req, reply) => {
    // protocol errors (bad input) and client errors (light checks, a source's refusal) keep their codes
    const code = err instanceof QuarryError || err instanceof QuarryClientError ? err.code : 'E_UNAVAILABLE';
    const status = err instanceof LightClientError ? 502 : code === 'E_BAD_REQUEST' || code === 'E_DECODE' ? 400 : code === 'E_NOT_FOUND' ? 404 : 502;
    void reply.status(status).send({ error: { code, message: (err as Error).message } });
  });
  app.get('/status', async () => ({ chainId: info.chainId, genesisHash: info.genesisHash, source: info.source(), coldStartMs: daemon.coldStartMs, verified: verified(daemon.head()) }));
  app.get('/headers/latest', async () => ({ verified: verified(daemon.header()) }));
  app.get<{ Params: { height: string } }>('/headers/:height', async (req) => {
    if (!/^\d{1,19}$/.test(req.params.height)) throw new QuarryError('E_BAD_REQUEST', 'height must be a whole number');
    return { verified: verified(daemon.header(BigInt(req.params.height))) };
  });
  app.get('/validators', async () => {
    const v = daemon.validators();
    return { epoch: v.epoch.toString(), members: v.members.map((m) => ({ address: encodeAddress(m.address), power: m.power.toString() })), verified: verified(daemon.head()) };
  });
  app.get<{ Params: { address: string } }>('/accounts/:address', async (req) => {
    decodeAddress(req.params.address); // E_DECODE for a bad address, before any fetch
    const a = await daemon.account(req.params.address);
    return { address: req.params.address, balance: a.balance.toString(), sequence: a.sequence.toString(), verified: verified(a.head) };
  });
  app.get<{ Params: { hash: string } }>('/txs/:hash', async (req) => {
    hash32(req.params.hash, 'transaction hash');
    const t = await daemon.txInclusion(req.params.hash.toLowerCase());
    return { hash: req.params.hash.toLowerCase(), included: true, height: t.height.toString(), index: t.index, verified: verified(t.head) };
  });
  app.get<{ Params: { id: string } }>('/market/requests/:id', async (req) => {
    const id = hash32(req.params.id, 'request id');
    const r = await daemon.record(requests, id);
    if (!r.value) throw new QuarryError('E_NOT_FOUND', `no request ${req.params.id} in the verified state (proven absent)`);
    const delivered = await daemon.record(requestProofs, id);
    const proof = delivered.value && { proof: toHex(delivered.value.proof), publicSignals: delivered.value.publicSignals };
    return { ...marketRequestJson(id, r.value as ProofRequest, r.head.height + 1n), proof, verified: verified(r.head) };
  });
  return app;
}
