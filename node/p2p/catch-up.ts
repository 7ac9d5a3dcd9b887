/**
 * Whom a stalled consensus height asks for the votes and proposals it may have missed: the peers
 * whose last status puts them at that height or beyond, when there are any. Peers that serve
 * nothing or are behind (a crowd of them is cheap to connect) would otherwise take most of the
 * turns, and a stalled round would wait many seconds for an answer that could help.
 */
export function catchUpPeers(connected: readonly string[], heights: ReadonlyMap<string, bigint> | undefined, height: bigint): readonly string[] {
  const atHeight = connected.filter((p) => (heights?.get(p) ?? -1n) >= height - 1n);
  return atHeight.length > 0 ? atHeight : connected;
}
