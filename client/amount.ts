/** QRY amounts: 1 QRY = 10^6 uqry. Parses "2.5qry", "2500000uqry" or a bare integer of uqry. */
export const UQRY_PER_QRY = 1_000_000n;

export function parseAmount(text: string): bigint {
  const m = /^\s*([0-9]+)(?:\.([0-9]{1,6}))?\s*(qry|uqry)?\s*$/i.exec(text);
  if (!m) throw new Error(`invalid amount "${text}" (examples: 2.5qry, 2500000uqry, 2500000)`);
  const unit = (m[3] ?? 'uqry').toLowerCase();
  if (unit === 'uqry') {
    if (m[2]) throw new Error('uqry amounts are whole numbers');
    return BigInt(m[1]!);
  }
  return BigInt(m[1]!) * UQRY_PER_QRY + BigInt((m[2] ?? '').padEnd(6, '0'));
}

export function formatAmount(uqry: bigint | string): string {
  const v = BigInt(uqry);
  const whole = v / UQRY_PER_QRY;
  const frac = (v % UQRY_PER_QRY).toString().padStart(6, '0').replace(/0+$/, '');
  return `${whole}${frac ? '.' + frac : ''} QRY`;
}
