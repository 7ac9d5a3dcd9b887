/** What a node announces to its RPC subscribers (GET /events) once it has happened. */
import type { CommittedBlock } from '../chain/chain.ts';
import type { Tx } from '../tx/tx.ts';
import type { Solution } from '../../puzzle/solution.ts';

export interface NodeEvents {
  /** A block was committed and the pools were brought in line with it. */
  block: [CommittedBlock];
  /** A transaction was admitted to the mempool. */
  tx: [Tx];
  /** A solution was admitted to the solution pool. */
  solution: [{ solution: Solution; id: Uint8Array }];
}
