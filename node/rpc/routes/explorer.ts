/**
 * The verified explorer (docs/explorer.md): the node serves the page built into dist/web (by
 * scripts/build-web.mjs on install) at /explorer/, and its genesis at /explorer/genesis.json for
 * the page to verify from. The page runs the light client itself and checks every answer it
 * shows, so nothing here is trusted more than the node's RPC is. Served with cross-origin
 * isolation (COOP/COEP), which o1js's multi-threaded WASM needs for SharedArrayBuffer.
 */
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { NodeServices } from '../../services/services.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { genesisToJson } from '../../genesis.ts';

const WEB_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

function isolated(reply: FastifyReply): FastifyReply {
  return reply.header('cross-origin-opener-policy', 'same-origin').header('cross-origin-embedder-policy', 'require-corp').header('cross-origin-resource-policy', 'same-origin');
}

export function explorerRoutes(app: FastifyInstance, node: NodeServices): void {
  // the built files, listed once: only these names are ever opened
  const files = new Set(existsSync(WEB_DIR) ? readdirSync(WEB_DIR).filter((f) => TYPES[extname(f)]) : []);
  const genesis = JSON.stringify(genesisToJson(node.chain.genesis));

  app.get('/explorer/genesis.json', async (_req, reply) => isolated(reply).type('application/json').send(genesis));
  const serve = async (file: string, reply: FastifyReply) => {
    if (!files.has(file)) {
      if (files.size === 0) throw new QuarryError('E_NOT_FOUND', 'the explorer is not built (esbuild missing at install): run `npm run build:web`');
      throw new QuarryError('E_NOT_FOUND', `no explorer file ${file}`);
    }
    return isolated(reply).type(TYPES[extname(file)]!).header('cache-control', file.startsWith('chunk-') ? 'public, max-age=31536000, immutable' : 'no-cache').send(createReadStream(WEB_DIR + file));
  };
  app.get('/explorer', async (_req, reply) => serve('index.html', reply));
  app.get('/explorer/', async (_req, reply) => serve('index.html', reply));
  app.get<{ Params: { file: string } }>('/explorer/:file', async (req, reply) => serve(req.params.file, reply));
}
