/**
 * `npm start` runs the epoch prover beside the devnet (issue #14): `quarry devnet` starts
 * `quarry node prove-epochs` on validator 0's home at the lowest CPU priority, names it in the
 * banner and in devnet.json, streams its progress into the combined log, and Ctrl-C stops it with
 * the rest even while o1js holds its event loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryProcess, freePort } from '../helpers/proc.ts';
import { tempDir } from '../helpers/tmp.ts';

/** The nice value of a process (field 19 of /proc/<pid>/stat, after the parenthesised name). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

test('the devnet runs the epoch prover at low priority and stops it on Ctrl-C', { timeout: 120_000, skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const dir = tempDir();
  const home = join(dir.path, 'devnet');
  const rpcPort = await freePort();
  const devnet = new QuarryProcess(['--home', home, 'devnet', '--validators', '1', '--miners', '0', '--rpc-port', String(rpcPort), '--p2p-port', String(await freePort()), '--block-time', '200']);
  try {
    await devnet.waitFor(/epoch prover: proves each epoch into \S+node-0\/epoch-proofs/, 60_000);
    const summary = JSON.parse(readFileSync(join(home, 'devnet.json'), 'utf8')) as { epochProver: { home: string; pid: number } | null };
    assert.equal(summary.epochProver?.home, join(home, 'node-0'));
    assert.equal(niceOf(summary.epochProver.pid), 19, 'the prover runs at the lowest priority');
    await devnet.waitFor(/^prover\s.*compiling the epoch program/m, 60_000);
    // the banner names the explorer, and the node serves it cross-origin isolated (o1js's threads need it), with its genesis
    const explorer = `http://127.0.0.1:${rpcPort}/explorer/`;
    await devnet.waitFor(new RegExp(`explorer \\(verified from genesis.*${explorer.replace(/[.]/g, '\\.')}`), 10_000);
    const page = await fetch(explorer);
    assert.deepEqual([page.status, page.headers.get('content-type'), page.headers.get('cross-origin-opener-policy'), page.headers.get('cross-origin-embedder-policy')], [200, 'text/html; charset=utf-8', 'same-origin', 'require-corp']);
    assert.match(await page.text(), /<script type="module" src="\/explorer\/explorer\.js">/);
    const genesis = (await (await fetch(`${explorer}genesis.json`)).json()) as { chainId: string };
    assert.equal(genesis.chainId, 'quarry-devnet-1');
    assert.equal((await fetch(`${explorer}explorer.js`)).status, 200);
    assert.equal(await devnet.kill('SIGTERM'), 0, 'the devnet stops cleanly');
    assert.throws(() => process.kill(summary.epochProver!.pid, 0), /ESRCH/, 'the prover is gone');
  } finally {
    await devnet.kill();
    dir.cleanup();
  }
});
