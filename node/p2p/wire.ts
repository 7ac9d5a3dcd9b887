/**
 * Connects a node to the network: gossip in (each kind validated by the part of the node that
 * owns it), gossip out (transactions and solutions admitted locally, consensus messages,
 * evidence), the request/response answers, catch-up of a stalled height, and block sync.
 */
import type { NodeServices } from '../services/services.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { decodeAs, encode } from '../../protocol/encoding/cbor.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { evidenceSchema, type Evidence } from '../../consensus/evidence.ts';
import type { ChainHistory } from '../chain/history.ts';
import { checkOne } from '../chain/evidence.ts';
import { getStakingParams } from '../modules/staking/state.ts';
import { boundaryOf } from '../chain/handoffs.ts';
import { HANDOFF_MAX_BYTES, handoffSchema, verifyHandoff } from '../modules/epoch/handoff.ts';
import { handoffVerdict, isPeerFault } from './faults.ts';
import { consensusGossipSchema, GOSSIP_BATCH_MAX_BYTES, txBatchSchema, type BlocksResponse, type Status } from './messages.ts';
import type { P2PHandlers, TopicKind, Verdict } from './network.ts';
import { EVIDENCE_MAX_BYTES } from '../types/block.ts';


/**
 * Well-formed transactions that cannot be admitted and that no honest relayer sends often: a
 * race with a block now and then, while a flooder of valid signatures from empty or expired
 * accounts sends thousands; each costs its sender a point, which fades. A sequence gap or a full
 * per-sender queue is not among them: under load this node drops transactions it has no room or
 * time for (E_MEMPOOL_FULL, E_BUSY), so the same sender's next ones arrive gapped from every honest
 * relayer, and charging for them had validators ban each other in the consensus benchmark.
 */
const REFUSED_TX = new Set(['E_INSUFFICIENT_FUNDS', 'E_FEE_TOO_LOW', 'E_EXPIRED']);

/**
 * Gossiped double-sign evidence. Evidence about the height being decided cannot be checked yet
 * (its block, and so its set, is not committed) and is not the sender's fault: every honest
 * validator that sees a double sign publishes it at once. It is ignored (each node keeps what it
 * observed itself), not rejected: rejecting it charged honest peers 20 points per item.
 */
export async function evidenceVerdict(chain: ChainHistory, e: Evidence): Promise<Verdict> {
  if (e.first.height > chain.head.height) return 'ignore';
  try {
    await checkOne(chain, chain.head.height + 1n, e, (await getStakingParams(chain.latestState)).maxEvidenceAge);
    return 'accept';
  } catch (err) {
    // stale, not false: its validator was punished (or it aged out) after an honest peer sent it
    return err instanceof QuarryError && STALE_EVIDENCE.has(err.code) ? 'ignore' : 'reject';
  }
}

const STALE_EVIDENCE = new Set(['E_DUPLICATE', 'E_EXPIRED', 'E_NOT_FOUND']);

function verdictOf(err: unknown): Verdict {
  return isPeerFault(err) ? 'reject' : 'ignore';
}

/**
 * A gossiped batch of transactions (docs/p2p.md §transaction gossip), admitted in order. Relayed
 * when any was new here; rejected, and the rest left unread, at the first that proves the peer
 * sent garbage; each refused-but-well-formed one costs the peer a point, as it would alone.
 */
async function admitBatch(node: NodeServices, data: Uint8Array, from: string): Promise<Verdict> {
  let txs: Uint8Array[];
  try {
    txs = decodeAs(txBatchSchema, data, GOSSIP_BATCH_MAX_BYTES);
  } catch {
    return 'reject';
  }
  let admitted = 0;
  let refused = 0;
  let lastRefusal = '';
  for (const tx of txs) {
    try {
      await node.ingress.submitTx(tx, 'peer');
      admitted++;
    } catch (err) {
      if (isPeerFault(err)) return 'reject';
      if (err instanceof QuarryError && REFUSED_TX.has(err.code)) {
        refused++;
        lastRefusal = err.code;
      }
    }
  }
  if (refused > 0) node.roles.network?.penalize(from, refused, `refused ${refused} transactions (last: ${lastRefusal})`);
  return admitted > 0 ? 'accept' : 'ignore';
}

export function nodeHandlers(node: NodeServices): P2PHandlers {
  const { chain, roles, epochProofs: proofs } = node;
  const gossip: Record<TopicKind, (data: Uint8Array, from: string) => Promise<Verdict>> = {
    txs: (data, from) => admitBatch(node, data, from),
    solutions: (data) => node.ingress.submitSolution(data, 'peer').then(() => 'accept', verdictOf),
    consensus: async (data, from) => {
      const msg = decodeAs(consensusGossipSchema, data, data.length);
      return roles.driver ? roles.driver.onGossip(msg, from) : 'ignore';
    },
    evidence: async (data) => {
      const e = decodeAs(evidenceSchema, data, EVIDENCE_MAX_BYTES);
      const verdict = await evidenceVerdict(chain, e);
      return verdict === 'accept' && !node.evidence.add(e) ? 'ignore' : verdict;
    },
    handoffs: async (data) => {
      const h = decodeAs(handoffSchema, data, HANDOFF_MAX_BYTES);
      const verdict = await verifyHandoff(chain.latestState, h, boundaryOf(chain)).then(() => null, handoffVerdict);
      return verdict ?? (node.handoffs.add(h) ? 'accept' : 'ignore');
    },
  };
  return {
    gossip: async (kind, data, from) => {
      try {
        return await gossip[kind](data, from);
      } catch (err) {
        return verdictOf(err) === 'ignore' && !(err instanceof QuarryError) ? 'ignore' : 'reject';
      }
    },
    status: (): Status => ({ genesisHash: chain.genesisHash, height: chain.head.height, hash: chain.head.hash }),
    blocks: async (from, count): Promise<BlocksResponse['blocks']> => {
      const out: BlocksResponse['blocks'] = [];
      let bytes = 0;
      for (let h = from; h < from + BigInt(count) && h <= chain.head.height; h++) {
        const raw = await chain.getBlockBytes(h);
        const commit = await chain.getCommit(h);
        if (!raw || !commit) break;
        bytes += raw.length;
        if (bytes > 8 * 1024 * 1024 && out.length > 0) break;
        out.push({ block: raw, commit: encode(commit) });
      }
      return out;
    },
    votes: (height) => roles.driver?.held(height) ?? { proposals: [], votes: [] },
    artifact: (hash) => node.market.artifacts.get(toHex(hash)) ?? null,
    epochProof: (epoch) => {
      const wanted = epoch ?? proofs.latest();
      return wanted === null || !proofs.has(wanted) ? null : proofs.raw(wanted);
    },
  };
}
