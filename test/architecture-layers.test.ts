import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

/**
 * The layers of src/, lowest first: a file may import its own layer and the layers before it, never
 * one after it. Runtimes are ordered among themselves (torch exports to ONNX and checks with ONNX Runtime).
 */
const LAYERS = [
  'core',
  'stats',
  'hardware',
  'tensors',
  'onnx',
  'models',
  'inputs',
  'compilers',
  'backends',
  'runtimes/null',
  'runtimes/onnxruntime',
  'runtimes/torch',
  'options',
  'load',
  'results',
  'pipeline',
  'reporters',
  'sweep',
  'fleet',
  'cli',
  'entry',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const layerOf = (file: string): string => {
  const path = relative(SRC, file);
  const layer = LAYERS.filter((l) => path.startsWith(`${l}/`)).sort((a, b) => b.length - a.length)[0];
  // The package's main entry sits at the top.
  return layer ?? (path === 'index.ts' ? 'entry' : `unlayered:${path}`);
};

/** Relative imports of each source file, static and dynamic, resolved to .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)].map((m) => resolve(dirname(file), `${m[1]}.ts`));
}

describe('the source tree', () => {
  const files = sourceFiles(SRC);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('puts every file in a layer', () => {
    expect(files.map(layerOf).filter((l) => l.startsWith('unlayered:'))).toEqual([]);
  });

  it('imports only from its own layer or the layers below it', () => {
    const backEdges = files.flatMap((file) =>
      graph.get(file)!.flatMap((target) => {
        const from = LAYERS.indexOf(layerOf(file));
        const to = LAYERS.indexOf(layerOf(target));
        return to > from ? [`${relative(SRC, file)} → ${relative(SRC, target)}`] : [];
      }),
    );
    expect(backEdges).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps every source file under 300 lines', () => {
    const long = files.filter((f) => readFileSync(f, 'utf8').split('\n').length > 300).map((f) => relative(SRC, f));
    expect(long).toEqual([]);
  });
});
