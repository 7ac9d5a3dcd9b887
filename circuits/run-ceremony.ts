/**
 * `npm run ceremony [-- puzzle|examples|bound]`: reproduce circuits/build with a fresh (INSECURE,
 * local) trusted setup, for the puzzle circuits (default), the example market circuits or the
 * prover-bound race example.
 */
import { runCeremony, DEFAULT_BEACON, BUILD_DIR } from './ceremony.ts';
import type { CircuitGroup } from './artifacts.ts';

const group = (process.argv[2] ?? 'puzzle') as CircuitGroup;
if (group !== 'puzzle' && group !== 'examples' && group !== 'bound') {
  process.stderr.write('error: the ceremony group is "puzzle", "examples" or "bound"\n');
  process.exit(1);
}
const started = Date.now();
await runCeremony({
  group,
  outDir: BUILD_DIR,
  beaconHash: DEFAULT_BEACON,
  beaconIterationsExp: 10,
  progress: (step, total, message) => process.stdout.write(`[${String(step).padStart(2)}/${total}] ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s  ${message}\n`),
});
process.stdout.write(`done in ${((Date.now() - started) / 1000).toFixed(1)}s; artifacts in ${BUILD_DIR}\n`);
process.exit(0);
