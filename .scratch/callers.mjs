// for self-time samples in functions matching RE, group by the first ancestor frame matching FILTER (default: project files)
import { readFileSync } from 'node:fs';
const [file, re, filt] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = new Map();
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const R = new RegExp(re), F = new RegExp(filt ?? '/main/(node|protocol|consensus|puzzle|light)/');
const out = new Map(); let tot = 0;
const name = (cf) => `${cf.functionName || '(anon)'} ${cf.url.replace(/.*\/main\//, '').replace(/.*node_modules\//, 'nm/')}:${cf.lineNumber}`;
for (const [id, us] of dt) {
  const n = byId.get(id);
  if (!R.test(name(n.callFrame))) continue;
  tot += us;
  let a = parent.get(id), chain = [];
  while (a !== undefined) { const cf = byId.get(a).callFrame; if (F.test(cf.url)) { chain.push(name(cf)); if (chain.length >= 3) break; } a = parent.get(a); }
  const k = chain.join(' < ') || '(none)';
  out.set(k, (out.get(k) ?? 0) + us);
}
console.log(`total ${(tot/1000).toFixed(0)} ms`);
for (const [k, v] of [...out].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`);
