/** Text amounts: a unit is required, QRY has 6 decimals, and every refusal is an AmountError (E_AMOUNT). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmountError, QuarryClientError, formatAmount, parseAmount } from '../../client/index.ts';

test('amounts with a unit parse exactly', () => {
  for (const [text, uqry] of [
    ['2.5qry', 2_500_000n],
    ['2500000uqry', 2_500_000n],
    ['0.000001QRY', 1n],
    [' 7 qry ', 7_000_000n],
    ['0uqry', 0n],
  ] as const) assert.equal(parseAmount(text), uqry, text);
  assert.equal(formatAmount(parseAmount('1.25qry')), '1.25 QRY');
});

test('amounts without a unit, with a wrong unit or too many decimals are refused with E_AMOUNT', () => {
  for (const [text, message] of [
    ['5', /needs a unit: 5qry or 5uqry/],
    ['2.5', /needs a unit/],
    ['5btc', /unknown unit "btc"/],
    ['1.5uqry', /whole numbers/],
    ['0.0000001qry', /6 decimals/],
    ['-1qry', /invalid amount/],
    ['', /invalid amount/],
  ] as const) {
    assert.throws(() => parseAmount(text), (err: unknown) => err instanceof AmountError && err instanceof QuarryClientError && err.code === 'E_AMOUNT' && message.test(err.message), text);
  }
});
