/**
 * The node's services, built once by the composition root (node/node.ts) and handed to the RPC
 * routes and p2p handlers, which take only what they use from it. The roles (consensus, network,
 * sync) start after the RPC server, so they are read through `roles` when a request needs them.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Chain } from '../chain/chain.ts';
import type { BlockBuilder } from '../chain/block-builder.ts';
import type { Mempool } from '../mempool/mempool.ts';
import type { SolutionPool } from '../puzzle/pool.ts';
import type { EvidencePool } from '../consensus/evidence-pool.ts';
import type { HandoffPool } from '../consensus/handoff-pool.ts';
import type { ConsensusDriver } from '../consensus/driver.ts';
import type { MarketService } from '../market/service.ts';
import type { EpochProofStore } from '../epoch/proof-store.ts';
import type { Metrics } from '../metrics.ts';
import type { P2PNetwork } from '../p2p/network.ts';
import type { Syncer } from '../p2p/sync.ts';
import type { BlockImporter } from './importer.ts';
import type { Ingress } from './ingress.ts';
import type { NodeEvents } from './events.ts';

/** What the node is running right now; null until (or unless) that role starts. */
export interface NodeRoles {
  readonly driver: ConsensusDriver | null;
  readonly network: P2PNetwork | null;
  readonly syncer: Syncer | null;
  /** The BLS key this node's validator signs with (null without a validator key), held even while the validator is out of the set. */
  readonly validatorBlsKey: Uint8Array | null;
}

export interface NodeServices {
  readonly log: Logger;
  readonly chain: Chain;
  readonly builder: BlockBuilder;
  readonly mempool: Mempool;
  readonly solutions: SolutionPool;
  readonly evidence: EvidencePool;
  readonly handoffs: HandoffPool;
  readonly market: MarketService;
  readonly epochProofs: EpochProofStore;
  readonly metrics: Metrics;
  readonly events: EventEmitter<NodeEvents>;
  readonly importer: BlockImporter;
  readonly ingress: Ingress;
  readonly roles: NodeRoles;
}
