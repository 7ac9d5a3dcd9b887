/**
 * Keeps the node's metrics current (docs/metrics.md): chain, validator, market and epoch-proof
 * figures after each committed block; peers, consensus step and sync state at scrape time.
 */
import { blockAndTxEvents, type CommittedBlock } from '../chain/chain.ts';
import { bitmapSet } from '../../consensus/commit.ts';
import { encodeAddress } from '../../protocol/crypto/address.ts';
import { listOperators, getValidator } from '../modules/staking/state.ts';
import { openRequests } from '../modules/market/request-index.ts';
import { NO_ID } from '../state/record.ts';
import { epochOf, getChainParams } from '../modules/chain-params.ts';
import type { NodeServices } from './services.ts';

export class MetricsFeed {
  private lastBlockTime: number | null = null;

  constructor(private readonly s: NodeServices) {
    const { metrics, roles } = s;
    metrics.height.set(Number(s.chain.head.height));
    metrics.onScrape(() => {
      metrics.peers.set(roles.network?.peers().length ?? 0);
      metrics.catchingUp.set(roles.syncer?.syncing ? 1 : 0);
      metrics.consensusHeight.set(Number(roles.driver?.height ?? 0n));
      metrics.consensusRound.set(roles.driver?.round ?? 0);
    });
  }

  /** Records a committed block; the state reads run after it, off the commit path. */
  async onBlock(b: CommittedBlock): Promise<void> {
    const { metrics, mempool } = this.s;
    const h = b.block.header;
    const time = Number(h.time);
    if (this.lastBlockTime !== null) metrics.blockInterval.observe((time - this.lastBlockTime) / 1000);
    this.lastBlockTime = time;
    metrics.height.set(Number(h.height));
    metrics.blocks.inc();
    metrics.txs.inc(b.block.txs.length);
    metrics.blockTxs.set(b.block.txs.length);
    metrics.blockBytes.set(b.candidate.bytes.length);
    if (b.block.lastCommit) metrics.blockRound.observe(b.block.lastCommit.round);
    metrics.mempoolSize.set(mempool.size);
    metrics.mempoolBytes.set(mempool.bytes);
    for (const e of blockAndTxEvents(b)) if (e.type.startsWith('market-')) metrics.marketEvents.inc({ event: e.type.slice('market-'.length) });
    await this.readState(b);
  }

  private async readState(b: CommittedBlock): Promise<void> {
    const { metrics, chain, epochProofs } = this.s;
    const state = chain.latestState;
    const { set } = await chain.activeSet();
    for (const op of await listOperators(state)) {
      const v = (await getValidator(state, op))!;
      const label = { validator: encodeAddress(op) };
      const i = set.indexOf(op);
      metrics.validatorPower.set(label, i >= 0 ? Number(set.validators[i]!.power) : 0);
      metrics.validatorMissed.set(label, Number(v.missedCount));
      metrics.validatorJailed.set(label, v.jailed ? 1 : 0);
    }
    const lastCommit = b.block.lastCommit;
    if (lastCommit) {
      const prev = await chain.getBlock(lastCommit.height);
      const signedSet = prev ? await chain.validatorSetByHash(prev.block.header.validatorSetHash) : set;
      const missing = signedSet.validators.filter((_, i) => !bitmapSet(lastCommit.signers, i));
      metrics.missingValidators.set(missing.length);
      metrics.missingPower.set(Number(missing.reduce((sum, v) => sum + v.power, 0n)));
    }
    metrics.marketOpen.set(Number(await openRequests.count(state, NO_ID)));
    const epoch = epochOf(chain.head.height + 1n, await getChainParams(state));
    const proven = epochProofs.latest();
    metrics.epochProofLag.set(proven === null ? -1 : Math.max(0, Number(epoch - proven)));
  }
}
