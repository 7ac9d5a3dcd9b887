// inclusive time of functions matching RE among samples whose stack contains WITHIN
import { readFileSync } from 'node:fs';
const [file, within, re, n] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((x) => [x.id, x]));
const parent = new Map();
for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
const dt = new Map();
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const name = (cf) => `${cf.functionName || '(anon)'} ${cf.url.replace(/.*\/main\//, '').replace(/.*node_modules\//, 'nm/')}:${cf.lineNumber}`;
const W = new RegExp(within), R = new RegExp(re ?? '.');
const out = new Map(); let tot = 0;
for (const [id, us] of dt) {
  const stack = []; for (let a = id; a !== undefined; a = parent.get(a)) stack.push(name(byId.get(a).callFrame));
  if (!stack.some((s) => W.test(s))) continue;
  tot += us;
  const seen = new Set();
  for (const k of stack) if (R.test(k) && !seen.has(k)) { seen.add(k); out.set(k, (out.get(k) ?? 0) + us); }
}
console.log(`within ${within}: ${(tot / 1000).toFixed(0)} ms`);
for (const [k, v] of [...out].sort((a, b) => b[1] - a[1]).slice(0, Number(n ?? 40))) console.log(`${(v / 1000).toFixed(0).padStart(7)} ms ${(100 * v / tot).toFixed(1).padStart(5)}%  ${k}`);
