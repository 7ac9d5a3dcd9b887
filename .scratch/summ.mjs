// summarize a .cpuprofile: self time by function and by file (top N), total
import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const N = Number(process.argv[3] ?? 30);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = new Map();
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
let total = 0;
const fn = new Map(), file = new Map();
for (const [id, us] of dt) {
  const n = byId.get(id); const cf = n.callFrame;
  total += us;
  const f = `${cf.functionName || '(anon)'} ${cf.url.replace(/.*node_modules\//, 'nm/').replace(/.*\/main\//, '')}:${cf.lineNumber}`;
  fn.set(f, (fn.get(f) ?? 0) + us);
  const u = cf.url ? cf.url.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, 'nm/$1').replace(/.*\/main\//, '') : cf.functionName;
  file.set(u, (file.get(u) ?? 0) + us);
}
const show = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, N).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(7)} ms ${(100 * v / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log(`total sampled ${(total / 1e6).toFixed(1)} s`);
console.log('--- by file'); console.log(show(file));
console.log('--- by function'); console.log(show(fn));
