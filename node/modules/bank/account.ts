/** Accounts (balance and sequence) and the total supply, with the only functions that move funds. */
import { struct, u64, type Infer } from '../../../protocol/encoding/schema.ts';
import { NO_ID, record } from '../../state/record.ts';
import type { Overlay, StateReader } from '../../state/view.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';

export const accountSchema = struct({ balance: u64, sequence: u64 });
export type Account = Infer<typeof accountSchema>;
export const accounts = record('account', accountSchema);
export const supply = record('supply', struct({ total: u64 }));

const U64_MAX = (1n << 64n) - 1n;
const EMPTY: Account = { balance: 0n, sequence: 0n };

export async function getAccount(state: StateReader, address: Uint8Array): Promise<Account> {
  return (await accounts.get(state, address)) ?? EMPTY;
}

function putAccount(state: Overlay, address: Uint8Array, account: Account): void {
  if (account.balance === 0n && account.sequence === 0n) accounts.remove(state, address);
  else accounts.put(state, address, account);
}

export async function credit(state: Overlay, address: Uint8Array, amount: bigint): Promise<void> {
  const acct = await getAccount(state, address);
  if (acct.balance + amount > U64_MAX) throw new QuarryError('E_INVALID_MSG', 'balance would overflow');
  putAccount(state, address, { ...acct, balance: acct.balance + amount });
}

export async function debit(state: Overlay, address: Uint8Array, amount: bigint): Promise<void> {
  const acct = await getAccount(state, address);
  if (acct.balance < amount) {
    throw new QuarryError('E_INSUFFICIENT_FUNDS', `${encodeAddress(address)} holds ${acct.balance} uqry, needs ${amount}`);
  }
  putAccount(state, address, { ...acct, balance: acct.balance - amount });
}

export async function transfer(state: Overlay, from: Uint8Array, to: Uint8Array, amount: bigint): Promise<void> {
  await debit(state, from, amount);
  await credit(state, to, amount);
}

export async function bumpSequence(state: Overlay, address: Uint8Array): Promise<void> {
  const acct = await getAccount(state, address);
  putAccount(state, address, { ...acct, sequence: acct.sequence + 1n });
}

export async function totalSupply(state: StateReader): Promise<bigint> {
  return (await supply.get(state, NO_ID))?.total ?? 0n;
}

/** New coins (block and prover rewards, genesis): credit and grow the supply. */
export async function mint(state: Overlay, to: Uint8Array, amount: bigint): Promise<void> {
  if (amount === 0n) return;
  await credit(state, to, amount);
  supply.put(state, NO_ID, { total: (await totalSupply(state)) + amount });
}

/** Destroyed coins (burnt fees, slashed collateral): debit and shrink the supply. */
export async function burn(state: Overlay, from: Uint8Array, amount: bigint): Promise<void> {
  if (amount === 0n) return;
  await debit(state, from, amount);
  supply.put(state, NO_ID, { total: (await totalSupply(state)) - amount });
}
