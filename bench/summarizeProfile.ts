/**
 * Perf helper: sums a V8 .cpuprofile (node --cpu-prof) by function (self and inclusive time) and
 * by file/package (self time). Usage: npx tsx bench/summarizeProfile.ts <file.cpuprofile> [top=15] [filter]
 * `filter` (a regex over "function file") restricts the inclusive table.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg, filter] = process.argv.slice(2);
const top = Number(topArg ?? 15);
const prof = JSON.parse(readFileSync(file!, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url: string) => {
  if (!url) return '';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) return u.slice(nm + 13);
  return u.replace(/^.*\/work\/wt\/perf\//, '').replace(/^.*\/work\/main\//, '');
};
const fnKey = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const fileKey = (n: Node) => {
  const u = short(n.callFrame.url);
  if (!u) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native/builtin)';
  if (u.startsWith('node:')) return u;
  const m = /^(@[^/]+\/[^/]+|[^/]+)\//.exec(u);
  if (/^(src|dialogs|cards|bench|test)\//.test(u)) return u;
  return m ? `pkg:${m[1]}` : u;
};

const self = new Map<string, number>();
const files = new Map<string, number>();
const incl = new Map<string, number>();
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000; // ms spent at sample i (until the next one)
  const n = byId.get(prof.samples[i]!)!;
  total += dt;
  self.set(fnKey(n), (self.get(fnKey(n)) ?? 0) + dt);
  files.set(fileKey(n), (files.get(fileKey(n)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
    const k = fnKey(byId.get(id)!);
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + dt);
  }
}
const busy = total - (self.get('(idle) :0') ?? 0);
const table = (m: Map<string, number>, n: number, re?: RegExp) =>
  [...m]
    .filter(([k]) => !re || re.test(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => ({ entry: k.slice(0, 110), ms: Math.round(v), '% busy': +((100 * v) / busy).toFixed(1) }));
console.log(`total ${Math.round(total)} ms, busy (not idle) ${Math.round(busy)} ms`);
console.log('self time by function');
console.table(table(self, top));
console.log('self time by file / package');
console.table(table(files, top));
console.log('inclusive time by function' + (filter ? ` matching /${filter}/` : ''));
console.table(table(incl, top * 2, filter ? new RegExp(filter) : undefined));
