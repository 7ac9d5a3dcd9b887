/** `npm run bench [-- name…]`: runs the benchmarks and prints their figures side by side. */
import { benchChain } from './chain.bench.ts';
import { benchPuzzle } from './puzzle.bench.ts';
import { benchConsensus } from './consensus.bench.ts';
import { benchMarket } from './market.bench.ts';
import { benchEpochs } from './epochs.bench.ts';

const suites: Record<string, () => Promise<void>> = { chain: benchChain, puzzle: benchPuzzle, consensus: benchConsensus, market: benchMarket, epochs: benchEpochs };
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(suites);
process.stdout.write(`Quarry benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    process.stderr.write(`error: unknown benchmark "${name}" (have: ${Object.keys(suites).join(', ')})\n`);
    process.exit(1);
  }
  await suite();
}
process.exit(0); // snarkjs keeps worker threads alive
