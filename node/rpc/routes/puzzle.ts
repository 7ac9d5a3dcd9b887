/** Proof of succinct work over RPC: the current puzzle, solution submission and status. */
import type { FastifyInstance } from 'fastify';
import type { NodeServices } from '../../services/services.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { epochOf, getChainParams } from '../../modules/chain-params.ts';
import { getPuzzleParams, getTargets, includedSolutions } from '../../modules/puzzle/state.ts';
import { bodyBytes, hashParam } from '../params.ts';

export function puzzleRoutes(app: FastifyInstance, node: NodeServices): void {
  const { chain } = node;

  app.get('/puzzle', async () => {
    const state = chain.latestState;
    const height = chain.head.height + 1n;
    const chainParams = await getChainParams(state);
    const epoch = epochOf(height, chainParams);
    const params = await getPuzzleParams(state);
    const targets = await getTargets(state);
    const challenge = await chain.challengeFor(epoch);
    return {
      height: height.toString(),
      epoch: epoch.toString(),
      epochEndsAfter: ((epoch + 1n) * chainParams.epochLength).toString(),
      challenge: challenge.toString(),
      coinbaseTarget: targets.coinbaseTarget.toString(),
      proofTarget: targets.proofTarget.toString(),
      circuit: chain.genesis.puzzleCircuit,
      circuitId: toHex(params.circuitId),
      proverReward: params.proverReward.toString(),
      maxSolutionsPerBlock: params.maxSolutionsPerBlock.toString(),
      pending: node.solutions.size,
    };
  });

  app.post('/solutions', async (req, reply) => {
    const { id } = await node.ingress.submitSolution(bodyBytes(req.body, 'solution'));
    void reply.status(202);
    return { id: toHex(id), code: 'OK' };
  });

  app.get<{ Params: { id: string } }>('/solutions/:id', async (req) => {
    const id = hashParam(req.params.id, 'solution id');
    const included = await includedSolutions.get(chain.latestState, id);
    if (included) return { id: req.params.id, status: 'included', height: included.height.toString() };
    if (node.solutions.has(id)) return { id: req.params.id, status: 'pending' };
    throw new QuarryError('E_NOT_FOUND', 'no such solution in this epoch');
  });
}
