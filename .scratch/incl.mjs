// inclusive time of functions matching RE (counted once per sample even if recursive)
import { readFileSync } from 'node:fs';
const [file, re] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = new Map();
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const R = new RegExp(re);
const name = (cf) => `${cf.functionName || '(anon)'} ${cf.url.replace(/.*\/main\//, '').replace(/.*node_modules\//, 'nm/')}:${cf.lineNumber}`;
const out = new Map(); let busy = 0;
for (const [id, us] of dt) {
  const n0 = byId.get(id); if (['(idle)','(program)'].includes(n0.callFrame.functionName)) continue;
  busy += us;
  const seen = new Set();
  for (let a = id; a !== undefined; a = parent.get(a)) { const k = name(byId.get(a).callFrame); if (R.test(k) && !seen.has(k)) { seen.add(k); out.set(k, (out.get(k) ?? 0) + us); } }
}
console.log(`busy ${(busy/1000).toFixed(0)} ms`);
for (const [k, v] of [...out].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[4] ?? 30))) console.log(`${(v / 1000).toFixed(0).padStart(7)} ms ${(100*v/busy).toFixed(1).padStart(5)}%  ${k}`);
