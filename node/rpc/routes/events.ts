/**
 * WebSocket event stream at /events (docs/rpc.md, `WS /events`): `block` for each committed block, `tx`
 * for each committed transaction, `solution` for each paid solution, `market` for market events
 * (`event` names it: market-request, -lock, -fill, -slash, -relist, -expired, …), and
 * `pending-tx` / `pending-solution` on admission. `?types=block,tx` filters.
 *
 * One listener per node event fans out to every subscriber, so the node's emitter holds three
 * listeners however many sockets are open, and each message is serialized once. At most
 * `rpc.maxSubscribers` sockets at once (more are refused before the upgrade with E_UNAVAILABLE);
 * slow consumers (over 4 MiB buffered) are disconnected.
 */
import type { FastifyInstance } from 'fastify';
import type { Gauge } from 'prom-client';
import type { WebSocket } from 'ws';
import type { NodeServices } from '../../services/services.ts';
import type { CommittedBlock } from '../../chain/chain.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import type { Tx } from '../../tx/tx.ts';
import { receiptJson } from '../json.ts';
import type { RpcConfig } from '../../config.ts';
import type { Solution } from '../../../puzzle/solution.ts';

const MAX_BUFFERED = 4 * 1024 * 1024;
/** WebSocket close code 1013: try again later. */
const TRY_AGAIN_LATER = 1013;

export const EVENT_TYPES = ['block', 'tx', 'solution', 'market', 'pending-tx', 'pending-solution'] as const;
type EventType = (typeof EVENT_TYPES)[number];

interface Subscriber {
  socket: WebSocket;
  wanted: ReadonlySet<string> | null;
}

/** `?types=a,b`: every name must be a known event type. */
function parseTypes(text: string | undefined): ReadonlySet<string> | null {
  if (text === undefined) return null;
  const names = text.split(',');
  const unknown = names.find((n) => !(EVENT_TYPES as readonly string[]).includes(n));
  if (unknown !== undefined) throw new QuarryError('E_BAD_REQUEST', `types: unknown event type "${unknown.slice(0, 32)}" (known: ${EVENT_TYPES.join(', ')})`);
  return new Set(names);
}

class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  /** `gauge` follows the subscriber count, so a socket the hub failed to forget shows up in metrics. */
  constructor(private readonly max: number, private readonly gauge: Gauge) {}

  get full(): boolean {
    return this.subscribers.size >= this.max;
  }

  get idle(): boolean {
    return this.subscribers.size === 0;
  }

  /** False (and nothing kept) when the hub is full. */
  add(sub: Subscriber): boolean {
    if (this.full) return false;
    this.subscribers.add(sub);
    this.gauge.set(this.subscribers.size);
    sub.socket.on('close', () => {
      this.subscribers.delete(sub);
      this.gauge.set(this.subscribers.size);
    });
    return true;
  }

  publish(type: EventType, payload: object): void {
    let text: string | undefined;
    for (const { socket, wanted } of this.subscribers) {
      if (wanted && !wanted.has(type)) continue;
      if (socket.bufferedAmount > MAX_BUFFERED) {
        socket.terminate();
        continue;
      }
      text ??= JSON.stringify({ ...payload, type });
      socket.send(text);
    }
  }

  closeAll(): void {
    for (const { socket } of this.subscribers) socket.terminate();
  }
}

function publishBlock(hub: EventHub, b: CommittedBlock): void {
  const h = b.block.header;
  const height = h.height.toString();
  hub.publish('block', { height, hash: toHex(b.hash), time: h.time.toString(), txs: b.block.txs.length, proposer: encodeAddress(h.proposer) });
  b.candidate.txs.forEach((tx, i) => hub.publish('tx', { hash: toHex(tx.hash), height, sender: encodeAddress(tx.sender), result: receiptJson(b.receipts[i]!) }));
  for (const e of b.events) {
    if (e.type === 'solution') hub.publish('solution', { ...e, height });
    else if (e.type.startsWith('market-')) hub.publish('market', { ...e, event: e.type, height });
  }
  for (const r of b.receipts) for (const e of r.events) if (e.type.startsWith('market-')) hub.publish('market', { ...e, event: e.type, height });
}

export function eventRoutes(app: FastifyInstance, node: NodeServices, config: RpcConfig): void {
  const hub = new EventHub(config.maxSubscribers, node.metrics.rpcSubscribers);
  const refused = () => new QuarryError('E_UNAVAILABLE', `too many event subscribers (rpc.maxSubscribers is ${config.maxSubscribers}); try again later`);
  const onBlock = (b: CommittedBlock) => {
    if (!hub.idle) publishBlock(hub, b);
  };
  const onTx = (tx: Tx) => hub.publish('pending-tx', { hash: toHex(tx.hash), sender: encodeAddress(tx.sender) });
  const onSolution = ({ solution, id }: { solution: Solution; id: Uint8Array }) =>
    hub.publish('pending-solution', { id: toHex(id), address: encodeAddress(solution.body.address), nonce: solution.body.nonce.toString(), epoch: solution.body.epoch.toString() });
  node.events.on('block', onBlock);
  node.events.on('tx', onTx);
  node.events.on('solution', onSolution);
  app.addHook('onClose', async () => {
    node.events.off('block', onBlock);
    node.events.off('tx', onTx);
    node.events.off('solution', onSolution);
    hub.closeAll();
  });

  app.route<{ Querystring: { types?: string } }>({
    method: 'GET',
    url: '/events',
    // Runs before the upgrade, so a bad filter or a full hub is an HTTP error envelope.
    preValidation: async (req) => {
      parseTypes(req.query.types);
      if (hub.full) throw refused();
    },
    handler: async () => {
      throw new QuarryError('E_UPGRADE_REQUIRED', 'GET /events is a WebSocket stream: connect with a WebSocket client (Upgrade: websocket)');
    },
    wsHandler: (socket, req) => {
      // Sockets upgraded concurrently may all have passed the check above: the hub decides.
      if (!hub.add({ socket, wanted: parseTypes(req.query.types) })) return socket.close(TRY_AGAIN_LATER, refused().message);
      socket.on('message', () => undefined); // the stream is one-way; client messages are ignored
    },
  });
}
