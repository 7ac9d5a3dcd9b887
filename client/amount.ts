/**
 * QRY amounts: 1 QRY = 10^6 uqry. Text amounts always carry their unit ("2.5qry", "2500000uqry"):
 * a bare "5" is refused, since reading it as 5 uqry or 5 QRY silently differs by a million.
 */
import { AmountError } from './errors.ts';

export const UQRY_PER_QRY = 1_000_000n;

/** Parses "2.5qry" or "2500000uqry" (case-insensitive); throws AmountError (E_AMOUNT) otherwise. */
export function parseAmount(text: string): bigint {
  const m = /^\s*([0-9]+)(?:\.([0-9]+))?\s*([a-z]*)\s*$/i.exec(text);
  if (!m) throw new AmountError(`invalid amount "${text}" (examples: 2.5qry, 2500000uqry)`);
  const whole = m[1]!;
  const frac = m[2];
  const unit = m[3]!.toLowerCase();
  if (unit === '') throw new AmountError(`amount "${text}" needs a unit: ${whole}${frac ? '.' + frac : ''}qry or ${whole}uqry`);
  if (unit === 'uqry') {
    if (frac !== undefined) throw new AmountError(`uqry amounts are whole numbers (got "${text}")`);
    return BigInt(whole);
  }
  if (unit !== 'qry') throw new AmountError(`unknown unit "${m[3]}" in "${text}": use qry or uqry`);
  if (frac !== undefined && frac.length > 6) throw new AmountError(`QRY has 6 decimals (got "${text}")`);
  return BigInt(whole) * UQRY_PER_QRY + BigInt((frac ?? '').padEnd(6, '0'));
}

export function formatAmount(uqry: bigint | string): string {
  const v = BigInt(uqry);
  const whole = v / UQRY_PER_QRY;
  const frac = (v % UQRY_PER_QRY).toString().padStart(6, '0').replace(/0+$/, '');
  return `${whole}${frac ? '.' + frac : ''} QRY`;
}
