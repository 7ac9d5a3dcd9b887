/** Proof-market queries and artifact upload/download over RPC (docs/rpc.md §market). */
import type { FastifyInstance } from 'fastify';
import type { NodeServices } from '../../services/services.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { decodeAddress, encodeAddress } from '../../../protocol/crypto/address.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { NO_ID } from '../../state/record.ts';
import { decodeCanonicalVk } from '../../../protocol/verification-key.ts';
import { askers, askId, asks, circuitList, circuits, getRequest, requestProofs, seals, type ProofRequest, type RequestStatus } from '../../modules/market/state.ts';
import { openRequestIds } from '../../modules/market/request-index.ts';
import { getMarketTotals } from '../../modules/market/totals.ts';
import { askerJson, marketProverRoutes } from './market-provers.ts';
import { marketAggregateRoutes } from './market-aggregate.ts';
import { MAX_ARTIFACT_BYTES, type StagingLimits } from '../../market/artifacts.ts';
import { artifactRefs } from '../../market/references.ts';
import type { RpcConfig } from '../../config.ts';
import { bodyBytes, countParam, hashParam, oneOfParam } from '../params.ts';
import { marketRequestJson, toJson } from '../json.ts';
import type { MarketTotals, SealView } from '../../../protocol/rpc-types.ts';

// Every request status; `satisfies` makes the compiler check the list is complete.
const STATUSES = Object.keys({ open: 0, locked: 0, 'open-fill': 0, race: 0, fulfilled: 0, expired: 0, cancelled: 0 } satisfies Record<RequestStatus, 0>) as RequestStatus[];
const MAX_LIMIT = 1000;

export function marketRoutes(app: FastifyInstance, node: NodeServices, config: RpcConfig): void {
  const { chain } = node;
  const staging: StagingLimits = { maxFiles: config.maxStagedArtifacts, maxBytes: config.maxStagedArtifactBytes };
  const refs = () => artifactRefs(chain.latestState, node.mempool.entries().map((e) => e.tx));
  const requestJson = (id: Uint8Array, r: ProofRequest) => marketRequestJson(id, r, chain.head.height + 1n);

  app.get<{ Querystring: { status?: string; prover?: string; limit?: string } }>('/market/requests', async (req) => {
    const status = oneOfParam(req.query.status, 'status', STATUSES);
    const prover = req.query.prover === undefined ? null : toHex(decodeAddress(req.query.prover));
    const limit = countParam(req.query.limit, 'limit', MAX_LIMIT, 500);
    const state = chain.latestState;
    const ids = async function* () {
      yield* openRequestIds(state);
      yield* node.market.recent();
    };
    const out = [];
    for await (const id of ids()) {
      const r = await getRequest(state, id);
      if (status && r.status !== status) continue;
      if (prover && (!r.lock || toHex(r.lock.prover) !== prover)) continue;
      out.push(requestJson(id, r));
      if (out.length >= limit) break;
    }
    return { height: chain.head.height.toString(), requests: out };
  });

  app.get<{ Params: { id: string } }>('/market/requests/:id', async (req) => {
    const id = hashParam(req.params.id, 'request id');
    const r = await getRequest(chain.latestState, id);
    const proof = await requestProofs.get(chain.latestState, id);
    return { ...requestJson(id, r), proof: proof ? { proof: toHex(proof.proof), publicSignals: proof.publicSignals } : null };
  });

  app.get<{ Params: { id: string } }>('/market/requests/:id/seal', async (req): Promise<SealView> => {
    const s = await seals.get(chain.latestState, hashParam(req.params.id, 'request id'));
    if (!s) throw new QuarryError('E_NOT_FOUND', 'no sealed inputs for this request');
    return { ephemeralKey: toHex(s.ephemeralKey), nonce: toHex(s.nonce), ciphertext: toHex(s.ciphertext) };
  });

  app.get<{ Querystring: { circuit?: string } }>('/market/asks', async (req) => {
    const state = chain.latestState;
    const ids = req.query.circuit !== undefined ? [hashParam(req.query.circuit, 'circuit')] : ((await circuitList.get(state, NO_ID))?.ids ?? []);
    const out = [];
    for (const c of ids) {
      for (const p of (await askers.get(state, c))?.provers ?? []) {
        const a = await asks.get(state, askId(p, c));
        if (a) out.push({ circuit: toHex(c), prover: encodeAddress(p), price: a.price, ...(toJson(a) as object), ...(await askerJson(state, p, chain.head.height + 1n)) });
      }
    }
    out.sort((a, b) => (a.price < b.price ? -1 : a.price > b.price ? 1 : 0));
    return { asks: out.map(({ price, ...rest }) => ({ ...rest, price: price.toString() })) };
  });

  marketProverRoutes(app, chain);
  marketAggregateRoutes(app, chain);

  app.get('/market/totals', async () => toJson(await getMarketTotals(chain.latestState)) satisfies MarketTotals);

  app.get('/market/circuits', async () => {
    const state = chain.latestState;
    const out = [];
    for (const id of (await circuitList.get(state, NO_ID))?.ids ?? []) out.push(circuitJson(id, (await circuits.get(state, id))!));
    return { circuits: out };
  });

  app.get<{ Params: { id: string } }>('/market/circuits/:id', async (req) => {
    const id = hashParam(req.params.id, 'circuit id');
    const c = await circuits.get(chain.latestState, id);
    if (!c) throw new QuarryError('E_NOT_FOUND', 'unknown circuit');
    return circuitJson(id, c);
  });

  app.put('/artifacts', { bodyLimit: MAX_ARTIFACT_BYTES }, async (req, reply) => {
    const bytes = bodyBytes(req.body, 'artifact');
    const hash = node.market.artifacts.put(bytes, await refs(), staging);
    void reply.status(201);
    return { hash };
  });

  // Streamed from disk, not hashed again: the store checked the bytes when it wrote them.
  app.get<{ Params: { hash: string } }>('/artifacts/:hash', async (req, reply) => {
    const hash = req.params.hash;
    void reply.header('content-type', 'application/octet-stream');
    const local = await node.market.artifacts.open(hash);
    if (local) {
      void reply.header('content-length', local.size);
      return reply.send(local.stream);
    }
    return Buffer.from(await node.market.fetchArtifact(hash, refs, staging));
  });
}

function circuitJson(id: Uint8Array, c: NonNullable<Awaited<ReturnType<typeof circuits.get>>>) {
  return { id: toHex(id), name: c.name, wasmHash: toHex(c.wasmHash), zkeyHash: toHex(c.zkeyHash), nOutputs: c.nOutputs, publicInputs: c.publicInputs, nPublic: decodeCanonicalVk(c.vk).nPublic, owner: encodeAddress(c.owner), registeredAt: c.registeredAt.toString() };
}
