/**
 * The SDK as a user installs it: `npm pack` of sdk/ (built by sdk/build.mjs), installed into a
 * fresh project, where the README's SDK example runs verbatim (a) as plain JavaScript with plain
 * `node` against a devnet and (b) type-checks as strict NodeNext TypeScript; and the package
 * bundles for browsers with esbuild without a Node built-in. This test plays the market prover
 * the README's example expects (locking and filling its request with a real Groth16 proof).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, statSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { startTestDevnet, faucet } from '../helpers/devnet.ts';
import { preimageFill } from '../helpers/market.ts';
import { tempDir } from '../helpers/tmp.ts';
import { QuarryClient, SigningQuarryClient, Ed25519Wallet } from '../../client/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const QRY = 1_000_000n;

function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Client SDK'));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'the README has a JavaScript SDK example');
  return m[1]!;
}

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Packs the SDK and installs the tarball into a new project; returns the project's directory. */
function installPackedSdk(dir: string): { app: string; tarballBytes: number } {
  run(process.execPath, [join(ROOT, 'sdk/build.mjs')], ROOT);
  run('npm', ['pack', './sdk', '--pack-destination', dir, '--silent'], ROOT);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  const app = join(dir, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'sdk-user', private: true, type: 'module' }));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball)], app);
  return { app, tarballBytes: statSync(join(dir, tarball)).size };
}

/** Locks and fills every open request as a bonded prover would, until stopped. */
function serveMarket(prover: SigningQuarryClient, client: QuarryClient): { stop: () => void; filled: string[] } {
  const filled: string[] = [];
  let stopped = false;
  void (async () => {
    while (!stopped) {
      for (const r of await client.getMarketRequests({ status: 'open' }).catch(() => [])) {
        const x = BigInt(r.inputs.find((i) => i.name === 'preimage')!.values[0]!);
        await prover.signAndBroadcast([{ type: 'market/lock', requestId: r.id }]);
        await prover.signAndBroadcast([{ type: 'market/fulfill', requestId: r.id, ...(await preimageFill(x)) }]);
        filled.push(r.id);
      }
      await new Promise((res) => setTimeout(res, 300));
    }
  })();
  return { stop: () => (stopped = true), filled };
}

test('the packed SDK: README example in plain JavaScript and strict TypeScript, and a browser bundle', { timeout: 400_000 }, async () => {
  const dir = tempDir('quarry-sdk-pkg-');
  const net = await startTestDevnet({ validators: 1 });
  try {
    const { app, tarballBytes } = installPackedSdk(dir.path);
    const example = readmeExample();
    writeFileSync(join(app, 'example.mjs'), example);

    // (b) strict NodeNext TypeScript, against the package's own declarations
    writeFileSync(join(app, 'example.ts'), example);
    const tsconfig = { compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: false, typeRoots: [join(ROOT, 'node_modules/@types')], types: ['node'] }, files: ['example.ts'] };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);

    // a browser bundle: no Node built-ins reachable from the entry point
    const entry = join(app, 'node_modules/@quarry/sdk/dist/client/index.js');
    const bundle = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', minify: true, write: false, logLevel: 'silent' });
    const browserBytes = bundle.outputFiles[0]!.contents.length;
    assert.doesNotMatch(bundle.outputFiles[0]!.text, /require\("(node:)?(fs|crypto|net|tls|http|stream)"\)/);

    // (a) the example as plain JavaScript against the devnet, with a prover serving its request
    const url = net.devnet.nodes[0]!.rpc;
    const keyFile = join(dir.path, 'faucet.json');
    copyFileSync(join(net.devnet.nodes[0]!.home, 'keys', 'faucet.json'), keyFile);
    const client = await QuarryClient.connect(url);
    const bank = await SigningQuarryClient.connectWithSigner(url, Ed25519Wallet.fromSecretKey(faucet.secretKey));
    const proverKey = Ed25519Wallet.generate();
    await bank.send(proverKey.address, 10n * QRY);
    const prover = await SigningQuarryClient.connectWithSigner(url, proverKey);
    await prover.signAndBroadcast([{ type: 'market/bond', amount: 5n * QRY }]);
    const market = serveMarket(prover, client);
    const child = spawn(process.execPath, ['example.mjs'], { cwd: app, env: { ...process.env, QUARRY_RPC: url, QUARRY_KEY: keyFile, NODE_OPTIONS: '' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    market.stop();
    assert.equal(code, 0, out);
    assert.match(out, /fee preview/);
    assert.match(out, /^block \d+$/m);
    assert.match(out, new RegExp(`proof by ${proverKey.address}`));
    assert.match(out, /pi_a/);
    assert.equal(market.filled.length, 1);
    process.stdout.write(`# sdk package: tarball ${tarballBytes} bytes, browser bundle ${browserBytes} bytes (minified)\n`);
  } finally {
    await net.cleanup();
    dir.cleanup();
  }
});
