/**
 * The RPC server (fastify + WebSocket). Every error is `{error: {code, message}}` with the code's
 * HTTP status; bodies are capped; unknown routes answer E_NOT_FOUND. Routes: docs/rpc.md.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import { asQuarryError, QuarryError } from '../errors.ts';
import { parseListen } from '../config.ts';
import type { NodeServices } from '../services/services.ts';
import { chainRoutes } from './routes/chain.ts';
import { accountRoutes } from './routes/accounts.ts';
import { epochRoutes } from './routes/epochs.ts';
import { txRoutes } from './routes/txs.ts';
import { eventRoutes } from './routes/events.ts';
import { puzzleRoutes } from './routes/puzzle.ts';
import { stakingRoutes } from './routes/staking.ts';
import { marketRoutes } from './routes/market.ts';

export interface RpcConfig {
  listen: string;
  maxBodyBytes: number;
}

function errorBody(err: QuarryError) {
  return { error: { code: err.code, message: err.message } };
}

export class RpcServer {
  private constructor(private readonly app: FastifyInstance, readonly url: string) {}

  static async listen(node: NodeServices, config: RpcConfig): Promise<RpcServer> {
    const app = Fastify({ bodyLimit: config.maxBodyBytes, logger: false, return503OnClosing: true });
    await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
    app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.setErrorHandler((err: FastifyError | QuarryError, _req, reply) => {
      const e = fastifyToQuarry(err);
      if (e.status >= 500) node.log.error({ err: e.message }, 'rpc error');
      void reply.status(e.status).send(errorBody(e));
    });
    app.setNotFoundHandler((req, reply) => {
      void reply.status(404).send(errorBody(new QuarryError('E_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)));
    });
    app.addHook('onResponse', async (req, reply) => {
      node.metrics.rpcRequests.inc({ route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
    });
    for (const routes of [chainRoutes, accountRoutes, txRoutes, puzzleRoutes, stakingRoutes, marketRoutes, epochRoutes, eventRoutes]) routes(app, node);
    const { host, port } = parseListen(config.listen);
    try {
      await app.listen({ host, port });
    } catch (err) {
      throw new QuarryError('E_CONFIG', `RPC cannot listen on ${config.listen}: ${(err as Error).message}`);
    }
    const addr = app.server.address();
    const boundPort = typeof addr === 'object' && addr ? addr.port : port;
    return new RpcServer(app, `http://${host}:${boundPort}`);
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

function fastifyToQuarry(err: FastifyError | QuarryError): QuarryError {
  if (err instanceof QuarryError) return err;
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new QuarryError('E_TOO_LARGE', 'request body is too large');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new QuarryError('E_BAD_REQUEST', err.message);
  return asQuarryError(err);
}
