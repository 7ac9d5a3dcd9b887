/**
 * The RPC fuzzer's HTTP surfaces against a fixture node (test/fuzz/rpc-node.ts): every route with
 * mutated paths, queries, methods and headers, and the three body routes with mutated bodies
 * (signed transactions, signed solutions, artifacts). All go through `RpcServer.inject`, so a
 * request costs no socket; the WebSocket surfaces are in ws-surfaces.ts.
 */
import { Rng } from '../helpers/rng.ts';
import { judgeHttp, type RequestSurface } from './rpc-runner.ts';
import { bodySeeds, fromStored, mutateBody, mutateRequest, requestFor, ROUTES, toStored, type RpcRequest, type StoredRequest } from './rpc-requests.ts';
import type { RpcFixture } from './rpc-node.ts';

export function rpcSurfaces(f: RpcFixture): RequestSurface<RpcRequest>[] {
  const server = f.node.rpc!;
  const bodies = bodySeeds(f);
  const base = {
    run: (r: RpcRequest) => judgeHttp(server, r),
    store: toStored,
    load: (x: unknown) => fromStored(x as StoredRequest),
  };
  // the body surfaces mostly mutate the body, sometimes the rest of the request
  const bodyFirst = (rng: Rng, seed: RpcRequest, other: RpcRequest): RpcRequest =>
    rng.chance(0.8) ? { ...seed, body: mutateBody(rng, seed, other) } : mutateRequest(rng, f, seed, other);
  const valid = new Rng(1);
  // body surfaces first: their seeds are admitted there, and are duplicates by the time rpc-routes posts them
  return [
    { ...base, name: 'rpc-txs', seeds: bodies.txs, mutate: bodyFirst },
    { ...base, name: 'rpc-solutions', seeds: bodies.solutions, mutate: bodyFirst },
    { ...base, name: 'rpc-artifacts', seeds: bodies.artifacts, mutate: bodyFirst },
    { ...base, name: 'rpc-routes', seeds: [...ROUTES.filter((r) => r.method === 'GET').map((r) => requestFor(valid, f, r, true)), ...Object.values(bodies).flat()], mutate: (rng, s, o) => mutateRequest(rng, f, s, o) },
  ];
}
