/** The CLI's plain-text tables: padded to the widest cell, right-aligned numbers, no trailing blanks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fields, percent, qry, table } from '../../node/cli/table.ts';

test('table pads columns to the widest cell and right-aligns numbers', () => {
  const out = table(['NAME', 'STAKE', 'NOTE'], [['alpha', '1.5', ''], ['b', '1200', 'x']], ['left', 'right']);
  assert.equal(out, 'NAME   STAKE  NOTE\nalpha    1.5\nb       1200  x\n');
});

test('fields, percentages and QRY amounts', () => {
  assert.equal(fields([['bond', '1'], ['reputation', '50%']]), 'bond        1\nreputation  50%\n');
  assert.equal(percent('125000'), '12.5%');
  assert.equal(qry('2500000'), '2.5');
  assert.equal(qry(0n), '0');
});
