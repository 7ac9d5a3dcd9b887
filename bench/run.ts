/**
 * `npm run bench [-- name…] [-- --smoke]`: runs the benchmarks and prints their figures side by
 * side. `--smoke` runs each at tiny sizes in seconds (test/integration/bench-smoke.test.ts runs it
 * in `npm test`, so a benchmark that no longer runs fails CI). After each benchmark one line
 * `done <name>: <n> figures in <s> s`.
 */
import { benchChain } from './chain.bench.ts';
import { benchPuzzle } from './puzzle.bench.ts';
import { benchConsensus } from './consensus.bench.ts';
import { benchMarket } from './market.bench.ts';
import { benchEpochs } from './epochs.bench.ts';
import { figuresPrinted, fmt, type Suite } from './util.ts';

const suites: Record<string, Suite> = { chain: benchChain, puzzle: benchPuzzle, consensus: benchConsensus, market: benchMarket, epochs: benchEpochs };
const FLAGS = ['--smoke'];

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
for (const a of args) if (a.startsWith('-') && !FLAGS.includes(a)) fail(`unknown option "${a}" (have: ${FLAGS.join(', ')})`);
const wanted = args.filter((a) => !a.startsWith('-'));
for (const name of wanted) if (!suites[name]) fail(`unknown benchmark "${name}" (have: ${Object.keys(suites).join(', ')})`);
const names = wanted.length ? wanted : Object.keys(suites);
const smoke = args.includes('--smoke');

process.stdout.write(`Quarry benchmarks${smoke ? ' — SMOKE (tiny sizes: checks that each runs; the figures mean nothing)' : ''} — node ${process.version}, ${new Date().toISOString()}\n`);
for (const name of names) {
  const before = figuresPrinted();
  const started = performance.now();
  await suites[name]!({ smoke });
  process.stdout.write(`done ${name}: ${figuresPrinted() - before} figures in ${fmt((performance.now() - started) / 1000, 1)} s\n`);
}
process.exit(0); // snarkjs keeps worker threads alive
