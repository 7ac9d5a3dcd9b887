/** Waiting on the testnet's live nodes (docs/testnet.md §recovery). */

/**
 * Seconds (to 0.1 s) until `holds` is true on every live node at once, asking every `pollMs`; null
 * when that does not happen within `boundMs`. A node that fails to answer does not hold.
 */
export async function secondsUntilAll(live: () => string[], holds: (url: string) => Promise<boolean>, boundMs: number, pollMs: number): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < boundMs) {
    if ((await Promise.all(live().map((url) => holds(url).catch(() => false)))).every(Boolean)) return Math.round((Date.now() - start) / 100) / 10;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return null;
}
