/**
 * Transaction admission rules shared by the mempool and block execution ("ante" checks, as in the
 * Cosmos SDK): chain id, expiry, size, fee rate, sequence and fee funds. Pure given the state.
 */
import { QuarryError } from '../../protocol/errors.ts';
import { getAccount } from '../modules/bank/account.ts';
import { handlerFor } from '../modules/registry.ts';
import type { ChainParams } from '../modules/chain-params.ts';
import type { StateReader } from '../state/view.ts';
import type { Tx } from '../tx/tx.ts';
import { txWeight as weightOf } from '../../protocol/tx.ts';

/** Weight of a transaction for fees: its byte size plus each message's weight. */
export function txWeight(tx: Tx): bigint {
  return weightOf(tx.bytes.length, tx.tx.body.msgs);
}

export function minFee(tx: Tx, params: ChainParams): bigint {
  return params.minFeeRate * txWeight(tx);
}

/** Most uqry the transaction can take from its sender: the fee plus what its messages spend. */
export function maxSpend(tx: Tx): bigint {
  let s = tx.tx.body.fee;
  for (const m of tx.tx.body.msgs) s += handlerFor(m).spend(m);
  return s;
}

/** Stateless checks for inclusion at `height`. */
export function checkTxStatic(tx: Tx, chainId: string, height: bigint, params: ChainParams): void {
  const body = tx.tx.body;
  if (body.chainId !== chainId) throw new QuarryError('E_WRONG_CHAIN', `transaction is for chain "${body.chainId}", this is "${chainId}"`);
  if (body.expiresAtHeight !== 0n && height > body.expiresAtHeight) {
    throw new QuarryError('E_EXPIRED', `transaction expired at height ${body.expiresAtHeight}`);
  }
  if (BigInt(tx.bytes.length) > params.maxTxBytes) throw new QuarryError('E_TOO_LARGE', `transaction of ${tx.bytes.length} bytes exceeds maxTxBytes ${params.maxTxBytes}`);
  const needed = minFee(tx, params);
  if (body.fee < needed) throw new QuarryError('E_FEE_TOO_LOW', `fee ${body.fee} uqry is below the minimum ${needed} uqry`);
}

/** Stateful checks: the sequence must be next and the fee affordable. Returns the account's sequence. */
export async function checkTxState(tx: Tx, state: StateReader): Promise<bigint> {
  const acct = await getAccount(state, tx.sender);
  const body = tx.tx.body;
  if (body.sequence !== acct.sequence) {
    throw new QuarryError('E_SEQUENCE', `sequence ${body.sequence} does not match the account's next sequence ${acct.sequence}`);
  }
  if (acct.balance < body.fee) throw new QuarryError('E_INSUFFICIENT_FUNDS', `balance ${acct.balance} uqry cannot pay the fee ${body.fee} uqry`);
  return acct.sequence;
}
