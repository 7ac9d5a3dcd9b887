/** `npm run ceremony`: reproduce circuits/build with a fresh (INSECURE, local) trusted setup. */
import { runCeremony, DEFAULT_BEACON, BUILD_DIR } from './ceremony.ts';

const started = Date.now();
await runCeremony({
  power: 14,
  outDir: BUILD_DIR,
  beaconHash: DEFAULT_BEACON,
  beaconIterationsExp: 10,
  progress: (step, total, message) => process.stdout.write(`[${String(step).padStart(2)}/${total}] ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s  ${message}\n`),
});
process.stdout.write(`done in ${((Date.now() - started) / 1000).toFixed(1)}s; artifacts in ${BUILD_DIR}\n`);
process.exit(0);
