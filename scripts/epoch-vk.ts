/**
 * `npm run epoch-vk -- N`: compiles the epoch program for sets of N validators and prints its
 * verification-key hash, the value to pin in consensus/epoch/verification-keys.ts (or to pass
 * to `quarry light --vk-hash`). Takes minutes; keys are cached under QUARRY_EPOCH_KEYS if set.
 */
import { epochProgram } from '../consensus/epoch/program.ts';

const n = Number(process.argv[2]);
if (!Number.isInteger(n) || n < 1 || n > 256) {
  process.stderr.write('usage: npm run epoch-vk -- <max validators, 1–256>\n');
  process.exit(1);
}
process.stderr.write(`compiling the ${n}-slot epoch program (minutes)…\n`);
const program = await epochProgram(n);
const vk = await program.compile(process.env.QUARRY_EPOCH_KEYS);
process.stdout.write(`${n} ${vk.hash}\n`);
process.exit(0);
