/** Chain queries: status, blocks, validators, mempool, metrics. */
import type { FastifyInstance } from 'fastify';
import type { NodeServices } from '../../services/services.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { decodeTx } from '../../tx/tx.ts';
import { blockJson, commitJson, toJson } from '../json.ts';
import { heightParam } from '../params.ts';
import { getChainParams } from '../../modules/chain-params.ts';
import { blsKeyOwner, getStakingParams } from '../../modules/staking/state.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { getMarketParams } from '../../modules/market/state.ts';
import type { ActiveSetJson, MempoolInfo, ParamsResponse, Status } from '../../../protocol/rpc-types.ts';

export function chainRoutes(app: FastifyInstance, node: NodeServices): void {
  const { chain, mempool } = node;

  /** The operator registered with this node's BLS key: looked up by key, so a jailed validator (out of the set) is still found. */
  const validatorAddress = async (): Promise<string | null> => {
    const key = node.roles.validatorBlsKey;
    const owner = key ? await blsKeyOwner.get(chain.latestState, key) : null;
    return owner ? encodeAddress(owner.operator) : null;
  };

  /** Refusals by code from the mempool's rejection counter (quarry_tx_rejected_total), so both agree. */
  const rejectedByCode = async (): Promise<Record<string, number>> => {
    const { values } = await node.metrics.txRejected.get();
    return Object.fromEntries(values.filter((v) => v.value > 0).map((v) => [String(v.labels.code), v.value]));
  };

  app.get('/status', async () => {
    const head = chain.head;
    const driver = node.roles.driver;
    return {
      chainId: chain.chainId,
      genesisHash: toHex(chain.genesisHash),
      height: head.height.toString(),
      latestBlockHash: toHex(head.hash),
      latestBlockTime: head.time.toString(),
      validator: driver !== null,
      consensus: driver ? { height: driver.height.toString(), round: driver.round, step: driver.step } : null,
      mempool: { txs: mempool.size, bytes: mempool.bytes },
      validatorAddress: await validatorAddress(),
    } satisfies Status;
  });

  const blockAt = async (height: bigint) => {
    const found = await chain.getBlock(height);
    if (!found) throw new QuarryError('E_NOT_FOUND', `no block at height ${height} (head is ${chain.head.height})`);
    const txs = found.block.txs.map((b) => decodeTx(b));
    return blockJson(found.block, found.hash, txs, await chain.getReceipts(height), await chain.getBlockEvents(height));
  };

  app.get('/blocks/latest', async () => {
    if (chain.head.height === 0n) throw new QuarryError('E_NOT_FOUND', 'no blocks yet');
    return blockAt(chain.head.height);
  });

  app.get<{ Params: { height: string } }>('/blocks/:height', async (req) => blockAt(heightParam(req.params.height)));

  app.get<{ Params: { height: string } }>('/commits/:height', async (req) => {
    const commit = await chain.getCommit(heightParam(req.params.height));
    if (!commit) throw new QuarryError('E_NOT_FOUND', `no commit at height ${req.params.height}`);
    return commitJson(commit);
  });

  app.get('/validators', async () => {
    const { set, priorities } = await chain.activeSet();
    return {
      height: chain.head.height.toString(),
      totalPower: set.totalPower.toString(),
      setHash: toHex(set.hash),
      validators: set.validators.map((v, i) => ({ ...toJson(v), proposerPriority: priorities[i]!.toString() })),
    } satisfies ActiveSetJson;
  });

  app.get('/mempool', async () => ({
    txs: mempool.size,
    bytes: mempool.bytes,
    entries: mempool.entries().slice(0, 1000).map((e) => ({
      hash: e.id,
      sender: toJson(e.tx.sender),
      sequence: e.tx.tx.body.sequence.toString(),
      fee: e.tx.tx.body.fee.toString(),
      weight: e.weight.toString(),
    })),
    rejected: await rejectedByCode(),
  }) satisfies MempoolInfo);

  app.get('/params', async () => {
    const state = chain.latestState;
    return { chain: toJson(await getChainParams(state)), staking: toJson(await getStakingParams(state)), market: toJson(await getMarketParams(state)) } satisfies ParamsResponse;
  });

  app.get('/metrics', async (_req, reply) => {
    void reply.header('content-type', node.metrics.registry.contentType);
    return node.metrics.render();
  });
}
