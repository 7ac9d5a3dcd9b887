/**
 * The README's "try, in another terminal" block, run as a newcomer would (issue #14): every line
 * of the shell block, verbatim but for `npx quarry` (the CLI from this checkout) and the
 * placeholders a reader fills in (alice's address from `keys add`, a validator's from `query
 * validators`), in a fresh directory beside a running `quarry devnet`. Each must exit 0. The light
 * client line needs an epoch proof (minutes of proving; test/integration/epoch-proofs.test.ts runs
 * that flow): here it must get as far as asking the node for one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryProcess, QUARRY_BIN } from '../helpers/proc.ts';
import { tempDir } from '../helpers/tmp.ts';

const README = join(import.meta.dirname, '..', '..', 'README.md');

/** The shell block after "Try, in another terminal:", as lines without comments. */
function tryBlock(): string[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('```sh\n', text.indexOf('Try, in'));
  const block = text.slice(start + 6, text.indexOf('```', start + 6));
  return block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l && !l.startsWith('#'));
}

function bash(script: string, cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { cwd, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });
}

test("the README's devnet walkthrough runs as written", { timeout: 240_000 }, async () => {
  const dir = tempDir();
  const devnet = new QuarryProcess(['--home', join(dir.path, '.quarry-devnet'), 'devnet', '--validators', '1', '--miners', '0', '--no-epoch-prover', '--block-time', '200']);
  try {
    await devnet.waitFor(/Ctrl-C stops every process/, 90_000);
    const lines = tryBlock();
    assert.ok(lines.length >= 6, `the block has its commands (${lines.length})`);
    const vars: string[] = [];
    const filled: Record<string, string> = {};
    for (const line of lines) {
      if (/^[A-Z]+=/.test(line)) {
        vars.push(line);
        continue;
      }
      let cmd = line.replace(/^npx quarry\b/, `node ${QUARRY_BIN}`);
      for (const [placeholder, value] of Object.entries(filled)) cmd = cmd.replaceAll(placeholder, value);
      assert.doesNotMatch(cmd, /<[^>]+>/, `every placeholder is known: ${cmd}`);
      const { code, out } = await bash([...vars, cmd].join('\n'), dir.path);
      if (line.startsWith('npx quarry light')) {
        // no epoch proven yet: it must have got past its options, genesis and node to ask for one
        assert.equal(code, 1, out);
        assert.match(out, /^error: E_[A-Z_]+: .*epoch proof/im, out);
        continue;
      }
      assert.equal(code, 0, `${line}\n${out}`);
      const alice = /address\s+(qry1[0-9a-z]+)/.exec(out);
      if (line.includes('keys add alice') && alice) {
        filled["<alice's qry1… address>"] = alice[1]!;
        filled["<alice's address>"] = alice[1]!;
      }
      if (line.startsWith('curl')) {
        const { stdout } = await runJson(`node ${QUARRY_BIN} query validators --json`, dir.path);
        filled["<a validator's qry1…>"] = (JSON.parse(stdout) as { validators: Array<{ operator: string }> }).validators[0]!.operator;
      }
    }
    assert.ok(filled["<alice's address>"], 'alice was created');
  } finally {
    await devnet.kill('SIGTERM');
    dir.cleanup();
  }
});

async function runJson(cmd: string, cwd: string): Promise<{ stdout: string }> {
  const { code, out } = await bash(cmd, cwd);
  assert.equal(code, 0, out);
  return { stdout: out };
}
