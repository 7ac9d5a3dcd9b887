/** Staking queries: every validator with its stake and status, and an address's delegations. */
import type { FastifyInstance } from 'fastify';
import type { NodeServices } from '../../services/services.ts';
import { decodeAddress, encodeAddress } from '../../../protocol/crypto/address.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { delegatorsOf, getDelegation, getValidator, listOperators } from '../../modules/staking/state.ts';
import { pendingReward, tokensOfShares } from '../../modules/shares.ts';
import type { NetInfo } from '../../../protocol/rpc-types.ts';

export function stakingRoutes(app: FastifyInstance, node: NodeServices): void {
  const { chain } = node;
  app.get('/staking/validators', async () => {
    const state = chain.latestState;
    const { set } = await chain.activeSet();
    const out = [];
    for (const op of await listOperators(state)) {
      const v = (await getValidator(state, op))!;
      const index = set.indexOf(op);
      out.push({
        operator: encodeAddress(op),
        moniker: v.moniker,
        blsPubKey: toHex(v.blsPubKey),
        tokens: v.tokens.toString(),
        commissionPpm: v.commissionPpm.toString(),
        commissionOwed: v.commissionOwed.toString(),
        active: index >= 0,
        votingPower: index >= 0 ? set.validators[index]!.power.toString() : '0',
        jailed: v.jailed,
        jailedUntil: v.jailedUntil.toString(),
        tombstoned: v.tombstoned,
        missedBlocks: v.missedCount.toString(),
        delegators: (await delegatorsOf.get(state, op))?.delegators.length ?? 0,
      });
    }
    return { height: chain.head.height.toString(), validators: out };
  });

  app.get<{ Params: { address: string } }>('/staking/delegations/:address', async (req) => {
    const state = chain.latestState;
    const delegator = decodeAddress(req.params.address);
    const out = [];
    for (const op of await listOperators(state)) {
      const d = await getDelegation(state, delegator, op);
      if (!d) continue;
      const v = (await getValidator(state, op))!;
      out.push({
        validator: encodeAddress(op),
        shares: d.shares.toString(),
        tokens: tokensOfShares(v, d.shares).toString(),
        pendingRewards: pendingReward(d.shares, v.rewardPerShare, d.rewardPerShare).toString(),
      });
    }
    return { address: req.params.address, height: chain.head.height.toString(), delegations: out };
  });

  app.get('/net', async () => {
    const { network, syncer } = node.roles;
    const peers = network?.peers() ?? [];
    const heard = syncer?.peerHeights ?? new Map<string, bigint>();
    return {
      peerId: network?.peerId ?? null,
      listen: network?.multiaddrs() ?? [],
      peers,
      syncing: syncer?.syncing ?? false,
      bestKnownHeight: (syncer?.bestKnown ?? chain.head.height).toString(),
      maxPeers: network?.maxPeers ?? null,
      // only connected peers: the syncer remembers ones that left until its next round
      peerHeights: Object.fromEntries(peers.flatMap((p) => (heard.has(p) ? [[p, heard.get(p)!.toString()]] : []))),
    } satisfies NetInfo;
  });
}
