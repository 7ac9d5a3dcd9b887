/** Provers and their delegations over RPC (docs/rpc.md §market, docs/market.md §delegation). */
import type { FastifyInstance } from 'fastify';
import type { Chain } from '../../chain/chain.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { decodeAddress, encodeAddress } from '../../../protocol/crypto/address.ts';
import type { StateReader } from '../../state/view.ts';
import { freeCollateral, getProver, proverKeys, reputationPpm, stakeOf } from '../../modules/market/state.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { commissionAt, getDelegation, getPool, proverDelegators, type ProverDelegation } from '../../modules/market/delegation.ts';
import { pendingReward, tokensOfShares } from '../../modules/shares.ts';
import { countParam } from '../params.ts';
import { toJson } from '../json.ts';
import type { MarketAsk, MarketProver, ProverDelegationView } from '../../../protocol/rpc-types.ts';

const MAX_DELEGATIONS = 1000;

async function proverJson(state: StateReader, address: Uint8Array, height: bigint): Promise<MarketProver> {
  const p = await getProver(state, address);
  const pool = await getPool(state, address);
  return {
    address: encodeAddress(address),
    ...(toJson(p) as Omit<MarketProver, 'address' | 'stake' | 'freeCollateral' | 'reputationPpm' | 'delegation' | 'encryptionKey'>),
    stake: stakeOf(p).toString(),
    freeCollateral: freeCollateral(p).toString(),
    reputationPpm: reputationPpm(p).toString(),
    encryptionKey: ((k) => (k ? toHex(k.key) : null))(await proverKeys.get(state, address)),
    delegation: pool
      ? {
          commissionPpm: commissionAt(pool, height).toString(),
          nextCommissionPpm: pool.nextCommissionPpm.toString(),
          nextCommissionAt: pool.nextCommissionAt.toString(),
          delegators: (await proverDelegators.count(state, address)).toString(),
        }
      : null,
  };
}

/** What an ask shows of its prover: reputation, stake, commission (null: closed to delegation), delegators. */
export async function askerJson(state: StateReader, address: Uint8Array, height: bigint): Promise<Pick<MarketAsk, 'reputationPpm' | 'stake' | 'commissionPpm' | 'delegators'>> {
  const p = await proverJson(state, address, height);
  return { reputationPpm: p.reputationPpm, stake: p.stake, commissionPpm: p.delegation?.commissionPpm ?? null, delegators: p.delegation?.delegators ?? '0' };
}

async function delegationJson(state: StateReader, prover: Uint8Array, delegator: Uint8Array, d: ProverDelegation): Promise<ProverDelegationView> {
  const pool = (await getPool(state, prover))!;
  const p = await getProver(state, prover);
  return {
    delegator: encodeAddress(delegator),
    prover: encodeAddress(prover),
    shares: d.shares.toString(),
    tokens: tokensOfShares({ tokens: p.delegated, shares: pool.shares }, d.shares).toString(),
    pendingRewards: pendingReward(d.shares, pool.rewardPerShare, d.rewardPerShare).toString(),
    unbonding: d.unbonding.map((u) => ({ amount: u.amount.toString(), releaseAt: u.releaseAt.toString() })),
  };
}

export function marketProverRoutes(app: FastifyInstance, chain: Chain): void {
  app.get<{ Params: { address: string } }>('/market/provers/:address', async (req) => proverJson(chain.latestState, decodeAddress(req.params.address), chain.head.height + 1n));

  app.get<{ Params: { address: string }; Querystring: { limit?: string } }>('/market/provers/:address/delegations', async (req) => {
    const state = chain.latestState;
    const prover = decodeAddress(req.params.address);
    const limit = countParam(req.query.limit, 'limit', MAX_DELEGATIONS, MAX_DELEGATIONS);
    const out: ProverDelegationView[] = [];
    for (const delegator of await proverDelegators.walk(state, prover, limit)) out.push(await delegationJson(state, prover, delegator, (await getDelegation(state, delegator, prover))!));
    return { delegations: out };
  });

  app.get<{ Params: { address: string; delegator: string } }>('/market/provers/:address/delegations/:delegator', async (req) => {
    const [prover, delegator] = [decodeAddress(req.params.address), decodeAddress(req.params.delegator)];
    const d = await getDelegation(chain.latestState, delegator, prover);
    if (!d) throw new QuarryError('E_NOT_FOUND', 'no delegation from this address to this prover');
    return delegationJson(chain.latestState, prover, delegator, d);
  });
}
