/**
 * Verification-key hashes of the epoch program per maximum set size, pinned so a light client
 * never takes the key from the node it checks (`npm run epoch-vk -- N` prints one). They change
 * whenever `program.ts` or the field layout in `commitment.ts` changes; the epoch e2e test
 * recompiles the 4-slot program and fails if its pin is stale. Other sizes need `--vk-hash`.
 */
export const PINNED_EPOCH_VK_HASHES: Record<number, string> = {
  4: '26293688516475701477855919203487161270375642192511157809584615601672063265412',
  16: '18648681172744808913756085466421893782612760186467425109146296447064677672678',
};
