/**
 * A node whose disk fails stops with one clear error instead of blaming its peers (docs/storage.md
 * §storage failures). A full node syncing from a validator has its home on a small tmpfs that is
 * filled up mid-run: it must exit 1 with `error: E_STORE: …`, ban nobody, and once space is freed
 * restart and catch up. (A read-only remount is refused while LevelDB holds files open for
 * writing, so a full disk is the failure a test can cause.) Needs root (mount); CI runs as root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDevnet, until } from '../helpers/devnet.ts';
import { QuarryProcess } from '../helpers/proc.ts';
import { tempDir } from '../helpers/tmp.ts';
import { writeDefaultConfig } from '../../node/config.ts';
import { RpcClient } from '../../client/rpc.ts';

function mount(args: string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('a full node whose disk fills up stops with E_STORE, blames no peer, and recovers', { timeout: 240_000 }, async (t) => {
  const dir = tempDir('quarry-disk-');
  const disk = join(dir.path, 'disk');
  mkdirSync(disk);
  if (!mount(['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', disk])) {
    dir.cleanup();
    t.skip('mounting a tmpfs needs root');
    return;
  }
  const net = await startTestDevnet({ validators: 1 });
  let full = null as QuarryProcess | null;
  try {
    const home = join(disk, 'full');
    mkdirSync(home);
    copyFileSync(join(net.devnet.nodes[0]!.home, 'genesis.json'), join(home, 'genesis.json'));
    writeDefaultConfig(home, { rpc: { listen: '127.0.0.1:0' }, p2p: { listen: ['/ip4/127.0.0.1/tcp/0'], peers: [net.devnet.nodes[0]!.p2p] } });
    const start = async () => {
      full = new QuarryProcess(['--home', home, 'node', 'start', '--log-format', 'json']);
      return new RpcClient((await full.waitFor(/"rpc":"(http:\/\/[^"]+)"/, 60_000))[1]!);
    };
    let rpc = await start();
    const heightOf = async (c: RpcClient) => BigInt((await c.get<{ height: string }>('/status')).height);
    await until('the full node to sync', async () => (await heightOf(rpc)) >= 3n, 60_000);

    const filler = join(disk, 'filler');
    execFileSync('sh', ['-c', `dd if=/dev/zero of=${filler} bs=64k 2>/dev/null; true`]);
    const code = await Promise.race([full!.wait(), new Promise((r) => setTimeout(r, 60_000, 'still running'))]);
    assert.equal(code, 1, `the node stops with exit code 1:\n${full!.output.slice(-1500)}`);
    const errors = full!.output.split('\n').filter((l) => l.startsWith('error: '));
    assert.equal(errors.length, 1, 'one error line');
    assert.match(errors[0]!, /^error: E_STORE: writing the database at .* failed: .*No space left on device/);
    assert.doesNotMatch(full!.output, /peer banned|served an invalid block/, 'no peer is blamed for the local failure');

    rmSync(filler);
    rpc = await start();
    const target = await net.height(0);
    await until('the restarted node to catch up', async () => (await heightOf(rpc)) >= target, 60_000);
  } finally {
    await full?.kill('SIGTERM');
    await net.cleanup();
    execFileSync('umount', [disk]);
    dir.cleanup();
  }
});
