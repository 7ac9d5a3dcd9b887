/**
 * The CLI's error table, through the real `quarry` binary: each bad invocation prints exactly one
 * `error: E_CODE: …` line on stderr, nothing on stdout, and exits 1. None of them needs a chain;
 * a failed transaction (which does) is covered in cli-e2e.test.ts against its devnet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { runQuarry } from '../helpers/proc.ts';
import { tempDir } from '../helpers/tmp.ts';
import { encodeAddress } from '../../protocol/crypto/address.ts';

const someone = encodeAddress(new Uint8Array(20).fill(7));

test('CLI errors: one line with a stable code and exit status 1', { timeout: 120_000 }, async () => {
  const home = tempDir();
  // something that answers HTTP but is not a Quarry node (a web page on every path)
  const web = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  const webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  const cases: Array<[what: string, args: string[], code: string, message: RegExp]> = [
    ['amount without a unit', ['tx', 'send', '--from', 'alice', '--to', someone, '--amount', '5'], 'E_AMOUNT', /needs a unit: 5qry or 5uqry/],
    ['amount with an unknown unit', ['tx', 'stake', 'delegate', '--from', 'alice', '--validator', someone, '--amount', '5btc'], 'E_AMOUNT', /unknown unit "btc"/],
    ['fee without a unit (checked before the key)', ['tx', 'send', '--from', 'ghost', '--to', someone, '--amount', '1qry', '--fee', '3'], 'E_AMOUNT', /amount "3" needs a unit/],
    ['--expires-in that is not a number', ['tx', 'send', '--from', 'ghost', '--to', someone, '--amount', '1qry', '--expires-in', 'soon'], 'E_BAD_REQUEST', /--expires-in must be a whole number/],
    ['address of another chain', ['query', 'account', 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu'], 'E_DECODE', /prefix "cosmos": Quarry addresses start with qry1/],
    ['recipient with a wrong prefix', ['tx', 'send', '--from', 'alice', '--to', `btc${someone.slice(3)}`, '--amount', '1qry'], 'E_DECODE', /prefix "btc"/],
    ['--rpc without a scheme', ['query', 'validators', '--rpc', '127.0.0.1:26657'], 'E_RPC_URL', /needs an http:\/\/ or https:\/\/ scheme \(e\.g\. http:\/\/127\.0\.0\.1:26657\)/],
    ['--rpc host:port read as a scheme', ['query', 'block', '--rpc', 'localhost:26657'], 'E_RPC_URL', /e\.g\. http:\/\/localhost:26657/],
    ['--rpc at a server that is not a Quarry node', ['query', 'validators', '--rpc', webUrl], 'E_BAD_RESPONSE', new RegExp(`${webUrl} is not a Quarry node: it answered HTTP 200 with not JSON`)],
    ['--rpc at nothing', ['query', 'validators', '--rpc', 'http://127.0.0.1:9'], 'E_UNAVAILABLE', /cannot reach the node/],
    ['unknown command', ['qurey', 'validators'], 'E_USAGE', /unknown command 'qurey' \(Did you mean query\?\)/],
    ['unknown option', ['query', 'validators', '--bogus'], 'E_USAGE', /unknown option '--bogus'/],
    ['missing required option', ['tx', 'send', '--to', someone, '--amount', '1qry'], 'E_USAGE', /required option '--from <key>' not specified/],
    ['missing key', ['tx', 'send', '--from', 'ghost', '--to', someone, '--amount', '1qry'], 'E_KEY', /ghost/],
    ['sealed inputs without waiting to seal them', ['tx', 'market', 'request', '--from', 'ghost', '--circuit', 'poseidon-preimage', '--inputs', '{"hash":"1"}', '--private-inputs', '{"preimage":"2"}', '--max-price', '1qry'], 'E_BAD_REQUEST', /--private-inputs needs --wait-proof/],
  ];
  try {
    for (const [what, args, code, message] of cases) {
      const r = await runQuarry(['--home', home.path, ...args]);
      assert.equal(r.code, 1, `${what}: exit status (stderr: ${r.stderr})`);
      assert.equal(r.stdout, '', `${what}: nothing on stdout`);
      const m = /^error: (E_[A-Z_]+): (.+)\n$/.exec(r.stderr);
      assert.ok(m, `${what}: one error line, got ${JSON.stringify(r.stderr)}`);
      assert.equal(m[1], code, `${what}: ${r.stderr}`);
      assert.match(m[2]!, message, what);
    }

    // and what the errors point at: the version, and required options marked in --help
    const version = await runQuarry(['--version']);
    assert.equal(version.stdout, `${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`);
    const help = await runQuarry(['tx', 'send', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--from <key>\s+name of the signing key in <home>\/keys \(required\)/);
    assert.match(help.stdout, /--amount <amount>\s+amount, e\.g\. 2\.5qry or 2500000uqry \(required\)/);
    assert.doesNotMatch(help.stdout, /--fee <amount>.*\(required\)/);
  } finally {
    web.close();
    home.cleanup();
  }
});
