import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map((x) => [x.id, x]));
const parent = new Map();
for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
const dt = new Map();
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const cats = [
  ['startup (module loading)', /node:internal\/modules|compileSourceTextModule|wrapSafe|loadCircuit|nm\/o1js|wasmbuilder|wasmcurves/],
  ['tx admission (mempool add, ed25519, decode)', /mempool\.ts|ingress\.ts|admitBatch|verifyOneShot/],
  ['block build/verify/commit', /block-builder\.ts|execute\.ts|chain\.ts|importer\.ts|state-db|smt\.ts/],
  ['votes/proposals (BLS, signer, engine)', /bls\.ts|signer\.ts|engine\.ts|driver\.ts|vote-batcher/],
  ['gossip + transport (libp2p, noise, yamux, sockets)', /@libp2p|@chainsafe\/libp2p|noise|yamux|it-|uint8arraylist|protons|writeBuffer|writev|stream_base|node:net/],
  ['RPC (fastify, http)', /fastify|node:_http|light-my-request|find-my-way|node:http/],
  ['gc', /garbage collector/],
];
const out = new Map(); let busy = 0;
const nm = (cf) => `${cf.functionName} ${cf.url}`;
for (const [id, us] of dt) {
  const f0 = byId.get(id).callFrame.functionName;
  if (f0 === '(idle)' || f0 === '(program)') continue;
  busy += us;
  const stack = []; for (let a = id; a !== undefined; a = parent.get(a)) stack.push(nm(byId.get(a).callFrame));
  const s = stack.join('\n');
  const c = cats.find(([, re]) => re.test(s));
  const k = c ? c[0] : 'other';
  out.set(k, (out.get(k) ?? 0) + us);
}
console.log(`busy ${(busy / 1e6).toFixed(1)} s`);
for (const [k, v] of [...out].sort((a, b) => b[1] - a[1])) console.log(`${(v / 1e6).toFixed(1).padStart(6)} s ${(100 * v / busy).toFixed(0).padStart(3)}%  ${k}`);
