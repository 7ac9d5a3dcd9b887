/**
 * A Quarry node, the composition root: it builds the services (chain store, pools, block
 * importer, ingress, market, epoch proofs, metrics, events) once, hands them to the RPC server
 * and the p2p handlers, and starts the roles (network, consensus driver when this node holds a
 * validator key in the active set, block sync). Everything stateful lives under the home directory.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { Chain, type CommittedBlock } from './chain/chain.ts';
import { BlockBuilder } from './chain/block-builder.ts';
import { Database } from './store/db.ts';
import { Mempool } from './mempool/mempool.ts';
import { ConsensusDriver } from './consensus/driver.ts';
import { ValidatorSigner } from './consensus/signer.ts';
import { ValidatorRole } from './consensus/role.ts';
import { getChainParams } from './modules/chain-params.ts';
import { homePaths, type NodeConfig } from './config.ts';
import type { Genesis } from './genesis.ts';
import type { ValidatorKey } from './crypto/keyfile.ts';
import { Metrics } from './metrics.ts';
import { RpcServer } from './rpc/server.ts';
import { toHex } from '../protocol/encoding/bytes.ts';
import { QuarryError } from '../protocol/errors.ts';
import { loadCircuit } from '../puzzle/circuit.ts';
import { WorkerChecker } from './puzzle/checker.ts';
import { SolutionPool } from './puzzle/pool.ts';
import { Groth16Verifier } from './market/groth16-verifier.ts';
import { MarketService } from './market/service.ts';
import { EvidencePool } from './consensus/evidence-pool.ts';
import { HandoffPool } from './consensus/handoff-pool.ts';
import { signHandoff } from './consensus/handoff-signer.ts';
import { P2PNetwork } from './p2p/network.ts';
import { loadNodeKey } from './p2p/identity.ts';
import { nodeHandlers } from './p2p/wire.ts';
import { Syncer, type SyncOptions } from './p2p/sync.ts';
import { catchUpPeers } from './p2p/catch-up.ts';
import { encode } from '../protocol/encoding/cbor.ts';
import type { ConsensusNetwork } from './consensus/driver.ts';
import { EpochProofStore } from './epoch/proof-store.ts';
import { EpochProofSync } from './epoch/proof-sync.ts';
import { EpochProofVerifier } from './epoch/verifier.ts';
import { epochFacts } from './modules/epoch/view.ts';
import { PINNED_EPOCH_VK_HASHES } from '../consensus/epoch/verification-keys.ts';
import { BlockImporter } from './services/importer.ts';
import { Ingress } from './services/ingress.ts';
import { MetricsFeed } from './services/metrics-feed.ts';
import { LoopWatch } from './services/loop-watch.ts';
import { Rebroadcaster } from './services/rebroadcast.ts';
import type { NodeEvents } from './services/events.ts';
import type { NodeRoles, NodeServices } from './services/services.ts';

export interface NodeOptions {
  home: string;
  config: NodeConfig;
  genesis: Genesis;
  validatorKey: ValidatorKey | null;
  log: Logger;
}

export class QuarryNode implements NodeRoles {
  readonly services: NodeServices;
  private readonly role: ValidatorRole;
  private readonly metricsFeed: MetricsFeed;
  private readonly loopWatch: LoopWatch;
  private readonly rebroadcaster: Rebroadcaster;
  private readonly proofSync: EpochProofSync;
  network: P2PNetwork | null = null;
  syncer: Syncer | null = null;
  rpc: RpcServer | null = null;
  /** Settles when the node stopped itself because it cannot go on (its storage failed). */
  readonly failure: Promise<QuarryError>;
  private failWith: (err: QuarryError) => void = () => undefined;
  private failed = false;
  private lastCatchUp = 0;
  private catchUpTurn = 0;
  private prunedTo = 0n;

  private constructor(readonly o: NodeOptions, private readonly db: Database, builder: BlockBuilder, mempool: Mempool, solutions: SolutionPool, private readonly checker: WorkerChecker) {
    const { chain } = builder;
    this.failure = new Promise((resolve) => (this.failWith = resolve));
    const metrics = new Metrics(o.config.consensus.blockTimeMs);
    const events = new EventEmitter<NodeEvents>();
    const evidence = new EvidencePool();
    const handoffs = new HandoffPool();
    const importer = new BlockImporter(chain, builder, { mempool, solutions, evidence, handoffs });
    this.services = {
      log: o.log,
      chain,
      builder,
      mempool,
      solutions,
      evidence,
      handoffs,
      market: new MarketService(o.home, () => this.network),
      epochProofs: new EpochProofStore(homePaths(o.home).epochProofs),
      metrics,
      events,
      importer,
      ingress: new Ingress({ mempool, solutions, metrics, events, gossip: () => this.network, gate: importer.gate }),
      roles: this,
    };
    this.metricsFeed = new MetricsFeed(this.services);
    this.loopWatch = new LoopWatch(o.log);
    this.rebroadcaster = new Rebroadcaster({ entries: () => mempool.entries(), publish: async (bytes) => this.services.ingress.txGossip.add(bytes) });
    this.proofSync = this.makeProofSync();
    const key = o.validatorKey;
    this.role = new ValidatorRole({ chain, blsPublicKey: key?.blsPublicKey ?? null, makeDriver: () => this.makeDriver(key!), log: o.log.child({ module: 'consensus' }) });
  }

  /**
   * Epoch proofs from peers, held to the pinned key of the chain's set size, or else to the key of
   * this home's own proofs (its prover compiled it); with neither it fetches nothing.
   */
  private makeProofSync(): EpochProofSync {
    const { chain, epochProofs: store } = this.services;
    const maxSize = Number(this.o.genesis.params.staking.maxValidators);
    return new EpochProofSync({
      store,
      network: () => this.network,
      facts: (epoch) => epochFacts(chain.latestState, epoch),
      vkHash: () => {
        const own = store.latest();
        return PINNED_EPOCH_VK_HASHES[maxSize] ?? (own === null ? null : store.get(own).vk.hash);
      },
      verifier: new EpochProofVerifier(homePaths(this.o.home).lightCache),
      log: this.log.child({ module: 'epoch-proofs' }),
      intervalMs: this.o.config.epochProofs.fetchIntervalMs,
    });
  }

  /** The consensus driver while this node validates (docs/consensus.md §validator role). */
  get driver(): ConsensusDriver | null {
    return this.role.driver;
  }

  get validatorBlsKey(): Uint8Array | null {
    return this.o.validatorKey?.blsPublicKey ?? null;
  }

  private makeDriver(key: ValidatorKey): ConsensusDriver {
    const s = this.services;
    return new ConsensusDriver({
      builder: s.builder,
      mempool: s.mempool,
      solutions: s.solutions,
      evidence: s.evidence,
      handoffs: s.handoffs,
      importer: s.importer,
      signer: new ValidatorSigner(key, homePaths(this.o.home).signState, s.chain.chainId),
      config: this.o.config.consensus,
      log: this.log.child({ module: 'consensus' }),
      network: this.network ? consensusNetwork(this.network) : undefined,
      catchUp: (height) => this.catchUp(height),
      penalize: (peer, reason) => this.network?.penalize(peer, 20, reason),
      observe: { round: (seconds) => s.metrics.roundDuration.observe(seconds), execution: (phase, seconds) => s.metrics.blockExecution.observe({ phase }, seconds) },
      fatal: (err) => this.fail(err),
    });
  }

  get log(): Logger {
    return this.o.log;
  }

  static async start(o: NodeOptions): Promise<QuarryNode> {
    const paths = homePaths(o.home);
    mkdirSync(paths.data, { recursive: true, mode: 0o700 });
    const circuit = loadCircuit(o.genesis.puzzleCircuit);
    if (toHex(circuit.id) !== toHex(o.genesis.params.puzzle.circuitId)) {
      throw new QuarryError('E_CONFIG', `the ${circuit.name} circuit artifacts (id ${toHex(circuit.id).slice(0, 16)}…) are not the chain's puzzle circuit (${toHex(o.genesis.params.puzzle.circuitId).slice(0, 16)}…)`);
    }
    const checker = new WorkerChecker(circuit.name, o.config.puzzle.precomputeAudit, (ms) => o.log.info({ circuit: circuit.name, ms }, 'solution verifier ready'));
    const db = await Database.open(paths.data).catch(async (err) => {
      await checker.close();
      throw err;
    });
    try {
      const chain = await Chain.open(db, o.genesis);
      const builder = new BlockBuilder(chain, { solutions: checker, proofs: await Groth16Verifier.create() });
      const mempool = new Mempool(
        {
          chainId: chain.chainId,
          nextHeight: () => chain.head.height + 1n,
          params: () => getChainParams(chain.latestState),
          state: () => chain.latestState,
        },
        o.config.mempool,
      );
      const node = new QuarryNode(o, db, builder, mempool, new SolutionPool(chain, checker), checker);
      await node.boot();
      return node;
    } catch (err) {
      await db.close();
      await checker.close();
      throw err;
    }
  }

  private async boot(): Promise<void> {
    const s = this.services;
    const { chain, importer } = s;
    importer.on('block', (b) => this.onBlock(b));
    importer.on('block', (b) => s.market.onBlock(b));
    importer.on('fatal', (err) => this.fail(err));
    this.rpc = await RpcServer.listen(s, this.o.config.rpc);
    if (this.o.config.p2p.enabled) {
      this.network = await P2PNetwork.start({ key: await loadNodeKey(this.o.home), config: this.o.config.p2p, chainId: chain.chainId, log: this.log.child({ module: 'p2p' }), handlers: nodeHandlers(s) });
    }
    await this.role.update();
    importer.on('block', () => void this.role.update());
    if (this.network) {
      const { role } = this;
      const apply: SyncOptions['apply'] = (b, c, durable) => (role.driver ? role.driver.applySynced(b, c, durable) : importer.importSynced(b, c, durable));
      this.syncer = new Syncer({ chain, network: this.network, log: this.log.child({ module: 'sync' }), apply, validating: () => role.driver !== null });
      this.syncer.start();
    }
    this.loopWatch.start();
    if (this.network) this.rebroadcaster.start();
    if (this.network && this.o.config.epochProofs.fetchFromPeers) this.proofSync.start();
    this.log.info(
      { chainId: chain.chainId, height: chain.head.height.toString(), rpc: this.rpc.url, p2p: this.network?.multiaddrs()[0] ?? null, peerId: this.network?.peerId ?? null, validator: this.driver !== null },
      'node started',
    );
  }

  private onBlock(b: CommittedBlock): void {
    this.services.events.emit('block', b);
    this.metricsFeed.onBlock(b).catch((err: Error) => this.log.warn({ err: err.message }, 'metrics update failed'));
    void this.maybePrune(b.block.header.height);
    void this.signEpochHandoff(b);
  }

  /** At an epoch boundary a validator of the outgoing set signs the handoff and gossips it. */
  private async signEpochHandoff(b: CommittedBlock): Promise<void> {
    try {
      const key = this.o.validatorKey;
      const mine = key ? await signHandoff(this.services.chain, key, b) : null;
      if (!mine || !this.services.handoffs.add(mine)) return;
      void this.network?.publish('handoffs', encode(mine));
      this.log.info({ epoch: mine.epoch.toString(), index: mine.index }, 'signed the epoch handoff');
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'epoch handoff failed');
    }
  }

  /**
   * Stops the node when its own storage fails: carrying on would answer a stale height, admit
   * transactions that never commit and blame peers for blocks it cannot write. Restarting once the
   * disk is back recovers from LevelDB's log (docs/storage.md §storage failures).
   */
  private fail(err: QuarryError): void {
    if (this.failed) return;
    this.failed = true;
    this.log.fatal({ code: err.code, err: err.message }, 'storage failed; stopping the node');
    void this.stop().catch(() => undefined).then(() => this.failWith(err));
  }

  /**
   * Asks one peer (in turn) what it holds at `height`, at most once a second: enough to recover
   * lost messages without spending the CPU on re-verifying what every peer repeats (`catchUpPeers`
   * picks whom).
   */
  private catchUp(height: bigint): void {
    const network = this.network;
    const driver = this.driver;
    const connected = network?.peers() ?? [];
    if (!network || !driver || connected.length === 0 || this.lastCatchUp > Date.now() - 1000) return;
    this.lastCatchUp = Date.now();
    const peers = catchUpPeers(connected, this.syncer?.peerHeights, height);
    const peer = peers[this.catchUpTurn++ % peers.length]!;
    network.votes(peer, height).then((res) => driver.absorb(res, peer), () => undefined);
  }

  private async maybePrune(height: bigint): Promise<void> {
    const keep = BigInt(this.o.config.pruning.keepRecent);
    if (keep === 0n || height - keep <= this.prunedTo + 100n) return;
    this.prunedTo = height - keep;
    const removed = await this.services.chain.state.prune(this.prunedTo);
    this.log.debug({ keepFrom: this.prunedTo.toString(), removed }, 'pruned state');
  }

  async stop(): Promise<void> {
    this.loopWatch.stop();
    this.rebroadcaster.stop();
    await this.proofSync.stop();
    this.syncer?.stop();
    await this.role.stop();
    await this.network?.stop();
    await this.rpc?.close();
    await this.db.close();
    await this.checker.close();
    this.log.info('node stopped');
  }
}

function consensusNetwork(net: P2PNetwork): ConsensusNetwork {
  return {
    broadcastProposal: (proposal, block) => void net.publish('consensus', encode({ type: 'proposal', proposal, block })),
    broadcastVote: (vote) => void net.publish('consensus', encode({ type: 'vote', vote })),
    broadcastEvidence: (evidence) => void net.publish('evidence', encode(evidence)),
  };
}
