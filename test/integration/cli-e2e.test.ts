/**
 * End to end through the real CLI and RPC: a devnet process, keys created with the CLI, funds
 * sent, balances queried, and the account proof verified with the client verifier.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryProcess, freePort, runQuarry } from '../helpers/proc.ts';
import { tempDir } from '../helpers/tmp.ts';
import { RpcClient } from '../../client/rpc.ts';
import { verifyAccountProof, type AccountProofJson } from '../../client/account-proof.ts';

test('devnet + CLI: keys, send, query with a verified proof, clear errors', { timeout: 300_000 }, async () => {
  const dir = tempDir();
  const devnetHome = join(dir.path, 'devnet');
  const home = join(devnetHome, 'node-0'); // the validator's home holds the faucet key
  const node = new QuarryProcess(['--home', devnetHome, 'devnet', '--validators', '1', '--miners', '0', '--rpc-port', String(await freePort()), '--p2p-port', String(await freePort()), '--block-time', '200', '--no-epoch-prover']);
  try {
    const url = (await node.waitFor(/RPC\s+(http:\/\/\S+)/, 90_000))[1]!; // a loaded machine starts a devnet slowly
    const rpc = new RpcClient(url);
    const q = (...args: string[]) => runQuarry(['--home', home, ...args]);

    const added = await q('keys', 'add', 'alice', '--json');
    assert.equal(added.code, 0, added.stderr);
    const alice = JSON.parse(added.stdout) as { address: string; mnemonic: string };
    assert.equal(statSync(join(home, 'keys', 'alice.json')).mode & 0o777, 0o600);

    // importing the mnemonic elsewhere yields the same address
    const imported = await q('keys', 'import', 'alice2', '--mnemonic', alice.mnemonic);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, new RegExp(alice.address));

    // export gives the secret key an SDK wallet takes, with a warning on stderr
    const exported = await q('keys', 'export', 'alice');
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(exported.stdout.trim(), (JSON.parse(readFileSync(join(home, 'keys', 'alice.json'), 'utf8')) as { secretKey: string }).secretKey);
    assert.match(exported.stderr, /anyone with this secret key controls the account/);

    const sent = await q('tx', 'send', '--from', 'faucet', '--to', alice.address, '--amount', '2.5qry', '--rpc', url, '--json');
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(JSON.parse(sent.stdout).result.code, 'OK');

    // a capacity offer without --collateral-per-proof posts the protocol minimum (read from /params)
    const bonded = await q('tx', 'market', 'bond', '--from', 'faucet', '--amount', '5qry', '--rpc', url);
    assert.equal(bonded.code, 0, bonded.stderr);
    const offered = await q('tx', 'market', 'offer', '--from', 'faucet', '--circuit', 'poseidon-preimage', '--count', '2', '--price', '1qry', '--rpc', url);
    assert.equal(offered.code, 0, offered.stderr);
    const params = await rpc.get<{ market: { minCollateralPpm: string } }>('/params');
    assert.ok(BigInt(params.market.minCollateralPpm) > 0n, 'market parameters are served');

    const back = await q('tx', 'send', '--from', 'alice', '--to', alice.address, '--amount', '1000uqry', '--rpc', url);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /^committed [0-9a-f]{64} at height \d+\n$/);

    const shown = await q('query', 'account', alice.address, '--prove', '--rpc', url);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /sequence\s+1/);
    assert.match(shown.stdout, /proof\s+verified against stateRoot/);

    // verify the proof again here, with the client library, against the header the node returned
    const answer = await rpc.get<AccountProofJson>(`/accounts/${alice.address}?prove=true`);
    assert.deepEqual(verifyAccountProof(answer), { ok: true, stateRoot: answer.header!.stateRoot });
    const paid = BigInt(answer.balance);
    assert.ok(paid < 2_500_000n && paid > 2_400_000n, `fee was charged: ${paid}`);
    // a lying node is caught: tamper with the balance
    assert.equal(verifyAccountProof({ ...answer, balance: '999999999' }).ok, false);
    // absence proofs work too
    const nobody = await q('keys', 'add', 'nobody', '--json');
    const empty = await rpc.get<AccountProofJson>(`/accounts/${JSON.parse(nobody.stdout).address}?prove=true`);
    assert.equal(empty.balance, '0');
    assert.equal(verifyAccountProof(empty).ok, true);

    // tables for people, the node's JSON with --json
    const vals = await q('query', 'validators', '--rpc', url);
    assert.equal(vals.code, 0, vals.stderr);
    const [head, row, ...more] = vals.stdout.trimEnd().split('\n');
    assert.match(head!, /^MONIKER +STATUS +POWER +STAKE \(QRY\) +COMMISSION +MISSED +DELEGATORS +OPERATOR$/);
    const { validators } = JSON.parse((await q('query', 'validators', '--rpc', url, '--json')).stdout) as { validators: Array<{ operator: string; votingPower: string }> };
    assert.equal(more.length, 0);
    assert.match(row!, new RegExp(` active +${validators[0]!.votingPower} .* ${validators[0]!.operator}$`));
    const prover = await q('query', 'market', 'prover', alice.address, '--rpc', url);
    assert.equal(prover.code, 0, prover.stderr);
    assert.match(prover.stdout, new RegExp(`^address +${alice.address}\nstake +0 QRY: bond 0, delegated 0 \\(0 locked as collateral, 0 free\\)\ndelegation +closed\nlocks +0 open\n`));
    for (const [what, empty] of [['asks', 'no standing asks\n'], ['requests', 'no requests\n']]) assert.equal((await q('query', 'market', what!, '--rpc', url)).stdout, empty);
    const circuits = await q('query', 'market', 'circuits', '--rpc', url);
    assert.match(circuits.stdout, /^(NAME +PUBLIC +OUTPUTS +HEIGHT +ID\n|no circuits registered\n)/);

    // clear one-line errors with non-zero exit codes
    const poor = await q('tx', 'send', '--from', 'nobody', '--to', alice.address, '--amount', '1qry', '--rpc', url);
    assert.equal(poor.code, 1);
    assert.match(poor.stderr, /^error: E_INSUFFICIENT_FUNDS: .+\n$/);
    const badAddr = await q('query', 'account', 'qry1nope', '--rpc', url);
    assert.equal(badAddr.code, 1);
    assert.match(badAddr.stderr, /^error: E_DECODE/);
    // a transaction that is committed but fails: one line with the receipt's code, the JSON on request
    const failed = await q('tx', 'stake', 'delegate', '--from', 'faucet', '--validator', alice.address, '--amount', '1qry', '--rpc', url);
    assert.equal(failed.code, 1);
    assert.equal(failed.stdout, '');
    assert.match(failed.stderr, /^error: E_NOT_FOUND: no such validator \(tx [0-9a-f]{64} at height \d+\)\n$/);
    const failedJson = await q('tx', 'stake', 'delegate', '--from', 'faucet', '--validator', alice.address, '--amount', '1qry', '--rpc', url, '--json');
    assert.equal(failedJson.code, 1);
    assert.equal(JSON.parse(failedJson.stdout).result.code, 'E_NOT_FOUND');
    assert.match(failedJson.stderr, /^error: E_NOT_FOUND: [^\n]+\n$/);
    const noKey = await q('tx', 'send', '--from', 'ghost', '--to', alice.address, '--amount', '1qry', '--rpc', url);
    assert.match(noKey.stderr, /E_KEY/);
    const down = await q('query', 'block', '--rpc', 'http://127.0.0.1:9');
    assert.match(down.stderr, /E_UNAVAILABLE/);
    const help = await q('tx', 'send', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--amount/);
  } finally {
    await node.kill('SIGTERM');
    dir.cleanup();
  }
});
