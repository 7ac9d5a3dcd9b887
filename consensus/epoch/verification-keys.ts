/**
 * Verification-key hashes of the epoch program per maximum set size, pinned so a light client
 * never takes the key from the node it checks (`npm run epoch-vk -- N` prints one). They change
 * whenever `program.ts` or the field layout in `commitment.ts` changes; the epoch e2e test
 * recompiles the 4-slot program and fails if its pin is stale. Other sizes need `--vk-hash`.
 */
export const PINNED_EPOCH_VK_HASHES: Record<number, string> = {
  4: '17836959507981251320254682587938209067838012715515449687733008099815198590446',
  16: '18705166900925905376838382688285142735308053732730374584564783293529300018838',
};
