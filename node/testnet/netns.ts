/**
 * Hosts for the testnet (docs/testnet.md): one Linux network namespace per node, joined to the
 * harness's namespace by its own veth pair on its own subnet (node i: 10.77.<i+1>.2, the harness
 * side 10.77.<i+1>.1). Nodes have no route to each other, and the harness namespace does not
 * forward, so every byte between two nodes goes through the harness's link emulator (links.ts),
 * which is where latency and partitions happen. The harness reaches every node's RPC directly.
 */
import { execFileSync } from 'node:child_process';

export interface Host {
  index: number;
  /** Namespace name. */
  ns: string;
  /** The node's address inside its namespace. */
  addr: string;
  /** The harness side of the node's link: where the link emulator listens for this node. */
  gateway: string;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Why namespaces cannot be made here (null when they can): not root, or no iproute2. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'the testnet needs root for network namespaces (ip netns)';
  try {
    ip('netns', 'list');
    return null;
  } catch (err) {
    return `ip netns does not work here: ${(err as Error).message.split('\n')[0]}`;
  }
}

export class TestnetHosts {
  readonly hosts: Host[] = [];

  constructor(private readonly prefix = 'qtn') {}

  /** Removes namespaces a previous run of this prefix left behind (a killed harness). */
  clearStale(): void {
    for (const line of ip('netns', 'list').split('\n')) {
      const name = line.split(' ')[0];
      if (name && name.startsWith(`${this.prefix}-`)) ip('netns', 'del', name);
    }
  }

  add(): Host {
    const index = this.hosts.length;
    const ns = `${this.prefix}-${index}`;
    const [outer, inner] = [`${this.prefix}${index}h`, `${this.prefix}${index}n`];
    const net = `10.77.${index + 1}`;
    ip('netns', 'add', ns);
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
    ip('link', 'set', inner, 'netns', ns);
    ip('addr', 'add', `${net}.1/24`, 'dev', outer);
    ip('link', 'set', outer, 'up');
    ip('-n', ns, 'addr', 'add', `${net}.2/24`, 'dev', inner);
    ip('-n', ns, 'link', 'set', inner, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    const host = { index, ns, addr: `${net}.2`, gateway: `${net}.1` };
    this.hosts.push(host);
    return host;
  }

  /** The command prefix that runs a process inside a host's namespace. */
  wrap(host: Host): string[] {
    return ['ip', 'netns', 'exec', host.ns];
  }

  /** Deleting a namespace deletes its end of the veth pair and so the pair. */
  destroy(): void {
    for (const h of this.hosts.splice(0)) {
      try {
        ip('netns', 'del', h.ns);
      } catch {
        // already gone
      }
    }
  }
}
