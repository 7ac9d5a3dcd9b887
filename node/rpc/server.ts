/**
 * The RPC server (fastify + WebSocket). Every error, fastify's own included (bad URL encoding,
 * over-long path parameters, unparsable or unsupported bodies, malformed HTTP), is
 * `{error: {code, message}}` with the code's HTTP status; bodies are capped; unknown routes answer
 * E_NOT_FOUND; a query key given twice is E_BAD_REQUEST. Routes: docs/rpc.md.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import websocket from '@fastify/websocket';
import { asQuarryError, QuarryError } from '../../protocol/errors.ts';
import { parseListen, type RpcConfig } from '../config.ts';
import type { NodeServices } from '../services/services.ts';
import { chainRoutes } from './routes/chain.ts';
import { accountRoutes } from './routes/accounts.ts';
import { epochRoutes } from './routes/epochs.ts';
import { txRoutes } from './routes/txs.ts';
import { eventRoutes } from './routes/events.ts';
import { puzzleRoutes } from './routes/puzzle.ts';
import { stakingRoutes } from './routes/staking.ts';
import { marketRoutes } from './routes/market.ts';
import { explorerRoutes } from './routes/explorer.ts';
import { rejectRepeatedQuery } from './params.ts';

type Routes = (app: FastifyInstance, node: NodeServices, config: RpcConfig) => void;
const ROUTES: Routes[] = [chainRoutes, accountRoutes, txRoutes, puzzleRoutes, stakingRoutes, marketRoutes, epochRoutes, eventRoutes, explorerRoutes];

function errorBody(err: QuarryError) {
  return { error: { code: err.code, message: err.message } };
}

export class RpcServer {
  private constructor(private readonly app: FastifyInstance, readonly url: string) {}

  static async listen(node: NodeServices, config: RpcConfig): Promise<RpcServer> {
    const send = (reply: FastifyReply, err: FastifyError | QuarryError) => {
      const e = fastifyToQuarry(err);
      // a full mempool or a busy node (503) is the client's to retry, not this node's fault
      if (e.status >= 500 && e.status !== 503) node.log.error({ err: e.message }, 'rpc error');
      void reply.status(e.status).send(errorBody(e));
    };
    const app = Fastify({
      bodyLimit: config.maxBodyBytes,
      logger: false,
      return503OnClosing: true,
      frameworkErrors: (err, req, reply) => {
        // An upgrade request the router refuses (bad URL, over-long parameter) never reaches the
        // hooks, @fastify/websocket's included, which end its socket: no one else would, so it
        // stayed open (half-closed by the client) for good, an fd per request, and close() hung.
        // (Node sets `upgrade` on a request it hands to the 'upgrade' event; @types/node omits it.)
        if ((req.raw as IncomingMessage & { upgrade?: boolean }).upgrade) reply.raw.once('finish', () => req.raw.socket.destroy());
        send(reply, err);
      },
      clientErrorHandler: clientError,
    });
    await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
    // A handshake ws itself refuses (bad Sec-WebSocket-Key or -Version) would get its text/html
    // answer: this listener makes it the envelope instead (docs/rpc.md §errors).
    app.websocketServer.on('wsClientError', (err: Error, socket: Socket) => answerRaw(socket, new QuarryError('E_BAD_REQUEST', `WebSocket handshake: ${err.message}`)));
    app.removeContentTypeParser('text/plain');
    app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.setErrorHandler((err: FastifyError | QuarryError, _req, reply) => send(reply, err));
    app.setNotFoundHandler((req, reply) => {
      void reply.status(404).send(errorBody(new QuarryError('E_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)));
    });
    // Past rpc.maxInFlight a request is refused at once rather than queued on the main thread,
    // which consensus shares (a burst of heavy reads stalled a soak node for minutes). WebSocket
    // subscriptions count against maxSubscribers instead. 'close' fires on finish and on abort.
    let inFlight = 0;
    app.addHook('onRequest', async (req, reply) => {
      if ((req.raw as IncomingMessage & { upgrade?: boolean }).upgrade) return;
      if (inFlight >= config.maxInFlight) throw new QuarryError('E_UNAVAILABLE', `the node is already answering ${config.maxInFlight} requests (rpc.maxInFlight): try again shortly`);
      inFlight++;
      reply.raw.once('close', () => inFlight--);
    });
    app.addHook('preValidation', async (req) => rejectRepeatedQuery(req.query));
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unknown';
      node.metrics.rpcRequests.inc({ route, status: String(reply.statusCode) });
      node.metrics.rpcLatency.observe({ route }, reply.elapsedTime / 1000);
    });
    for (const routes of ROUTES) routes(app, node, config);
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

  /**
   * Answers a request without a socket (fastify's inject), through the same hooks, parsers and
   * error handlers as a request on the port: what the RPC fuzzer drives (test/fuzz/rpc-*.ts).
   */
  inject(request: InjectOptions): Promise<LightMyRequestResponse> {
    return this.app.inject(request);
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

/** Fastify's own errors, by their stable FST_ codes, as ours (docs/rpc.md §errors). */
function fastifyToQuarry(err: FastifyError | QuarryError): QuarryError {
  if (err instanceof QuarryError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new QuarryError('E_TOO_LARGE', 'request body is over the limit (rpc.maxBodyBytes; 48 MiB for artifacts)');
    case 'FST_ERR_BAD_URL':
      return new QuarryError('E_BAD_REQUEST', 'the URL has an invalid percent-encoding');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new QuarryError('E_BAD_REQUEST', 'a path parameter is longer than 100 characters');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new QuarryError('E_UNSUPPORTED_MEDIA', 'the body must be application/json or application/octet-stream');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new QuarryError('E_BAD_REQUEST', 'the body is not valid JSON');
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new QuarryError('E_BAD_REQUEST', err.message);
  return asQuarryError(err);
}

/** Requests that do not even parse as HTTP: answered in the same envelope, then the socket closes. */
function clientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const e =
    err.code === 'HPE_HEADER_OVERFLOW' ? new QuarryError('E_TOO_LARGE', 'the request headers are too large')
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? new QuarryError('E_TIMEOUT', 'the request was not received in time')
    : new QuarryError('E_BAD_REQUEST', `malformed HTTP request (${err.code ?? 'parse error'})`);
  answerRaw(socket, e);
}

/** Writes the envelope straight to a socket no HTTP response object owns, then closes it. */
function answerRaw(socket: Socket, e: QuarryError): void {
  const body = JSON.stringify(errorBody(e));
  if (socket.writable) socket.write(`HTTP/1.1 ${e.status} ${STATUS_CODES[e.status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  socket.destroy();
}
