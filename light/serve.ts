/**
 * The light daemon's local HTTP API (`quarry light serve`, docs/epochs.md §daemon): every answer
 * is checked against the newest header the daemon verified from genesis and carries that header
 * as `verified`. A check that fails is an error with its light-client code (HTTP 502), nothing of
 * the answer is returned; bad input is E_BAD_REQUEST (400). Bind it to localhost: it trusts its
 * caller and serves no writes.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { QuarryError } from '../protocol/errors.ts';
import { LightClientError } from './light-client.ts';
import { QuarryClientError } from '../client/errors.ts';
import { accountAnswer, headerAnswer, marketRequestAnswer, txAnswer, validatorsAnswer, verifiedJson } from './answers.ts';
import type { LightDaemon } from './daemon.ts';

export function lightApi(daemon: LightDaemon, info: { chainId: string; genesisHash: string; source: () => string }): FastifyInstance {
  const app = Fastify({ logger: false });
  app.setErrorHandler((err, _req, reply) => {
    // protocol errors (bad input) and client errors (light checks, a source's refusal) keep their codes
    const code = err instanceof QuarryError || err instanceof QuarryClientError ? err.code : 'E_UNAVAILABLE';
    const status = err instanceof LightClientError ? 502 : code === 'E_BAD_REQUEST' || code === 'E_DECODE' ? 400 : code === 'E_NOT_FOUND' ? 404 : 502;
    void reply.status(status).send({ error: { code, message: (err as Error).message } });
  });
  app.get('/status', async () => ({ chainId: info.chainId, genesisHash: info.genesisHash, source: info.source(), coldStartMs: daemon.coldStartMs, verified: verifiedJson(daemon.head()) }));
  app.get('/headers/latest', async () => headerAnswer(daemon));
  app.get<{ Params: { height: string } }>('/headers/:height', async (req) => headerAnswer(daemon, req.params.height));
  app.get('/validators', async () => validatorsAnswer(daemon));
  app.get<{ Params: { address: string } }>('/accounts/:address', async (req) => accountAnswer(daemon, req.params.address));
  app.get<{ Params: { hash: string } }>('/txs/:hash', async (req) => txAnswer(daemon, req.params.hash));
  app.get<{ Params: { id: string } }>('/market/requests/:id', async (req) => marketRequestAnswer(daemon, req.params.id));
  return app;
}
