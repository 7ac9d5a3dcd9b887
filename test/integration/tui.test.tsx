/**
 * The dashboard rendered with ink-testing-library against a real devnet: the panes show the live
 * height, the validators and the operator's view (consensus step, sync, the node's own validator
 * signing with its next proposer turn, mempool rejections, epoch-proof lag); the RECONNECTING banner
 * appears when the node stops, with every pane keeping its data marked stale, and clears when it
 * restarts; keys move the focus, zoom a pane and quit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { startTestDevnet, until } from '../helpers/devnet.ts';
import { DashboardFeed } from '../../tui/feed.ts';
import { Dashboard } from '../../tui/app.tsx';

const heightIn = (frame: string) => BigInt(/height\s+(\d+)/.exec(frame)?.[1] ?? '-1');
const settle = () => new Promise((r) => setTimeout(r, 150)); // ink renders asynchronously

test('dashboard on a devnet: live height and validators, reconnecting and recovery, keys', { timeout: 240_000 }, async () => {
  const net = await startTestDevnet({ validators: 1 });
  const feed = new DashboardFeed(net.devnet.nodes[0]!.rpc, { pollMs: 250 });
  feed.start();
  const ui = render(<Dashboard feed={feed} />);
  try {
    const frame = () => ui.lastFrame() ?? '';
    await until('the live height', async () => heightIn(frame()) >= 3n, 60_000);
    const h = heightIn(frame());
    await until('the height to move', async () => heightIn(frame()) > h, 30_000);
    assert.match(frame(), /● connected/);
    assert.match(frame(), /Validators/);
    const v = (await net.rpc(0).get<{ validators: Array<{ moniker: string; operator: string }> }>('/staking/validators')).validators[0]!;
    const shown = (v.moniker || v.operator.slice(0, 12)).slice(0, 13);
    assert.ok(shown.length >= 12 && frame().includes(shown), `validator ${shown} is listed`);
    // ink-testing-library's terminal is 100 columns wide (rows unknown: the 24-row minimum)
    assert.ok(frame().split('\n').every((line) => line.length <= 100), 'fits the terminal width');
    assert.ok(frame().split('\n').some((line) => line.length > 80), 'uses the whole width, not 80 columns');
    assert.ok(frame().split('\n').length <= 24, 'fits 24 rows');

    // the operator's view: consensus step, this node's own validator signing, mempool rejections, epoch proofs
    await until('the operator fields', async () => /signed ✓/.test(frame()), 30_000);
    assert.match(frame(), /consensus\s+#\d+ round \d+ (propose|prevote|precommit|commit)/);
    assert.match(frame(), /rejected\s+none/);
    assert.match(frame(), /epoch\s+\d+ · (no proof yet|proven \d+) · lag \d+/);

    // keys: tab moves the focus to Node, enter zooms it alone, esc returns
    ui.stdin.write('\t');
    await settle();
    ui.stdin.write('\r');
    await settle();
    assert.match(frame(), /▶ Node/);
    assert.doesNotMatch(frame(), /Validators/);
    assert.match(frame(), /sync\s+in sync/);
    assert.match(frame(), /peers\s+0\/\d+\s/, 'peers against the limit');
    assert.match(frame(), new RegExp(`validator\\s+${shown.slice(0, 8)}.* · power \\d+ · signed ✓`));
    assert.match(frame(), /duty\s+missed \d+\/\d+ of \d+ · proposes next/, 'the only validator proposes every block');
    ui.stdin.write('\u001b');
    await settle();
    assert.match(frame(), /Validators/);

    // the node goes away: the banner appears; it comes back: the banner clears and the height moves on
    await net.devnet.kill(net.devnet.nodes[0]!.name, 'SIGTERM');
    await until('the reconnecting banner', async () => /RECONNECTING/.test(frame()), 30_000);
    const stale = heightIn(frame());
    assert.ok(stale >= 3n, `the last height stays on screen (${stale}), not zeros`);
    await until('the stale marker with its age', async () => /Chain · stale [1-9]\d* s/.test(frame()), 10_000);
    assert.match(frame(), /Node · stale \d+ s/, 'every pane says so');
    assert.match(frame(), /signed ✓/, "the operator's fields keep their last values");
    net.devnet.startNode(0);
    await until('recovery', async () => /● connected/.test(frame()) && heightIn(frame()) > stale, 90_000);
    assert.doesNotMatch(frame(), /RECONNECTING/);
    assert.doesNotMatch(frame(), /stale/);
  } finally {
    ui.unmount();
    feed.stop();
    await net.cleanup();
  }
});
