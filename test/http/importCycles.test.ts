/**
 * No import circles through src/server: the HTTP layer depends on services, i18n and domain, and
 * nothing depends back on it except the composition root (and the bot's read of a Web Chat user
 * id). Builds the static import graph of src/ (TypeScript's own import scanner, type-only imports
 * included) and looks for strongly connected groups that contain a src/server module.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The project files `file` imports (relative specifiers resolved to .ts/.tsx). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.resolve(path.dirname(file), spec).replace(/\.js$/, ''))
    .flatMap((base) =>
      ['.ts', '.tsx']
        .map((ext) => base + ext)
        .filter((f) => existsSync(f))
        .slice(0, 1),
    );
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(group);
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

describe('module structure', () => {
  it('has no import circle through src/server', () => {
    const graph = new Map(sourceFiles(path.join(ROOT, 'src')).map((f) => [f, importsOf(f)]));
    expect(graph.size).to.be.greaterThan(50);
    const server = path.join(ROOT, 'src', 'server') + path.sep;
    const circles = cycles(graph)
      .filter((group) => group.some((f) => f.startsWith(server)))
      .map((group) => group.map((f) => path.relative(ROOT, f)).sort());
    expect(circles).to.deep.equal([]);
  });
});
