/**
 * The home directory and its layout. Kept apart from config.ts (which pulls in the mempool,
 * consensus and p2p defaults) so the CLI can resolve a home without loading the node.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveHome(flag?: string): string {
  return resolve(flag ?? process.env.QUARRY_HOME ?? join(homedir(), '.quarry'));
}

export const homePaths = (home: string) => ({
  config: join(home, 'config.json'),
  genesis: join(home, 'genesis.json'),
  data: join(home, 'data'),
  signState: join(home, 'data', 'sign-state.json'),
  /** Recursive epoch proofs (docs/epochs.md), written by `quarry node prove-epochs`, served by the RPC. */
  epochProofs: join(home, 'epoch-proofs'),
  /** Compiled o1js keys of the epoch program, per maximum set size (minutes to build, so cached). */
  epochKeys: join(home, 'epoch-keys'),
  /** o1js's verifier cache (SRS and Lagrange bases; ≈ 1 min to build once): the light client's and the node's epoch-proof verifier's. */
  lightCache: join(home, 'light-cache'),
});
