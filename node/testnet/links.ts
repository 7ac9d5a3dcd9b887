/**
 * The testnet's links (docs/testnet.md): a TCP relay for every ordered pair of nodes, listening on
 * the dialling node's gateway address and forwarding to the other node's p2p port. Every byte
 * between two nodes passes here, so this is where latency, jitter and partitions are applied.
 * (Linux's netem would do this in the kernel; the kernels this project runs on do not all have
 * it, the CI machine's among them, so the links are emulated in user space, per TCP stream:
 * chunks keep their order, each delayed by the latency plus a random jitter, never overtaking.)
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Host } from './netns.ts';

export interface LinkProfile {
  latencyMs: number;
  jitterMs: number;
}

/** The port on node i's gateway that reaches node j. */
const relayPort = (j: number) => 30_000 + j;

export class LinkEmulator {
  private readonly servers: Server[] = [];
  private readonly open = new Map<string, Set<Socket>>();
  private groups: number[][] | null = null;

  constructor(
    private readonly hosts: Host[],
    private readonly p2pPort: (j: number) => number,
    public profile: LinkProfile,
  ) {}

  /** Multiaddr node i dials to reach node j. */
  dialAddr(i: number, j: number): string {
    return `/ip4/${this.hosts[i]!.gateway}/tcp/${relayPort(j)}`;
  }

  async listen(): Promise<void> {
    for (const from of this.hosts) {
      for (const to of this.hosts) {
        if (from === to) continue;
        const server = createServer((inbound) => this.relay(from.index, to.index, inbound));
        await new Promise<void>((resolve, reject) => server.once('error', reject).listen(relayPort(to.index), from.gateway, () => resolve()));
        this.servers.push(server);
      }
    }
  }

  /** Cuts every link between nodes of different groups (existing streams are reset) until `heal`. */
  partition(groups: number[][]): void {
    this.groups = groups;
    for (const [pair, sockets] of this.open) {
      const [i, j] = pair.split('>').map(Number) as [number, number];
      if (this.blocked(i, j)) for (const s of sockets) s.destroy();
    }
  }

  heal(): void {
    this.groups = null;
  }

  private blocked(i: number, j: number): boolean {
    if (!this.groups) return false;
    const group = (n: number) => this.groups!.findIndex((g) => g.includes(n));
    return group(i) !== group(j);
  }

  private relay(i: number, j: number, inbound: Socket): void {
    if (this.blocked(i, j)) return void inbound.destroy();
    const outbound = createConnection({ host: this.hosts[j]!.addr, port: this.p2pPort(j) });
    const pair = `${i}>${j}`;
    const sockets = this.open.get(pair) ?? new Set<Socket>();
    this.open.set(pair, sockets.add(inbound).add(outbound));
    const close = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    for (const s of [inbound, outbound]) s.on('error', close).on('close', close);
    this.delayed(inbound, outbound);
    this.delayed(outbound, inbound);
  }

  /**
   * Forwards `from` to `to`, each chunk after the link's delay. One queue and one timer per
   * direction keep the bytes in order (timers of different delays may fire out of order).
   */
  private delayed(from: Socket, to: Socket): void {
    const queue: Array<{ due: number; send: () => void }> = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      while (queue.length > 0 && queue[0]!.due <= Date.now()) queue.shift()!.send();
      if (queue.length > 0) timer = setTimeout(flush, queue[0]!.due - Date.now());
    };
    const at = (send: () => void) => {
      const { latencyMs, jitterMs } = this.profile;
      const due = Math.max(queue.at(-1)?.due ?? 0, Date.now() + latencyMs + Math.random() * jitterMs);
      queue.push({ due, send });
      if (!timer) timer = setTimeout(flush, due - Date.now());
    };
    from.on('data', (chunk: Buffer) => at(() => to.writable && to.write(chunk)));
    from.on('end', () => at(() => to.end()));
  }

  async close(): Promise<void> {
    for (const sockets of this.open.values()) for (const s of sockets) s.destroy();
    await Promise.all(this.servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  }
}
