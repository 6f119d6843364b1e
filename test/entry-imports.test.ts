import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TSX_LOADER } from './helpers/dist-build.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
/** What must stay out of the light entry points: native runtimes, process spawning, tokenizers, image and chart libraries. */
const HEAVY = ['onnxruntime-node', 'execa', '@huggingface/tokenizers', 'sharp', 'protobufjs', 'vega', 'vega-lite'];

/** Packages a module loads eagerly: its static imports, followed through src/. Dynamic imports load on first use. */
function staticPackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  };
  visit(resolve(SRC, entry));
  return packages;
}

describe('light entry points', () => {
  for (const entry of ['entry/stats.ts', 'entry/load.ts']) {
    it(`${entry} imports none of ${HEAVY.join(', ')}`, () => {
      expect([...staticPackages(entry)].filter((p) => HEAVY.includes(p))).toEqual([]);
    });
  }

  it('inferbench/stats loads no native runtime when imported, unlike inferbench', () => {
    // onnxruntime-node is CommonJS, so once loaded it shows in require's cache.
    const loaded = (entry: string): string[] => {
      const script = `await import(${JSON.stringify(pathToFileURL(resolve(SRC, entry)).href)});
        const { createRequire } = await import('node:module');
        console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
      const out = execFileSync(process.execPath, ['--import', TSX_LOADER, '--input-type=module', '-e', script], { encoding: 'utf8' });
      return JSON.parse(out) as string[];
    };
    const ort = (files: string[]): boolean => files.some((f) => f.includes('/onnxruntime-node/'));
    expect(ort(loaded('entry/stats.ts'))).toBe(false);
    expect(ort(loaded('entry/load.ts'))).toBe(false);
    // The check can fail: the full package does load ONNX Runtime.
    expect(ort(loaded('index.ts'))).toBe(true);
  });
});
