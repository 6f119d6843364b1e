import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ENTRY_FILES: Record<string, string> = { inferbench: '../src/index.js' };
for (const name of ['models', 'compilers', 'backends', 'load', 'stats', 'results', 'reports']) ENTRY_FILES[`inferbench/${name}`] = `../src/entry/${name}.js`;

const documents = ['README.md', ...readdirSync(`${ROOT}docs`).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('imports shown in the docs', () => {
  for (const doc of documents) {
    const text = readFileSync(`${ROOT}${doc}`, 'utf8');
    const imports = [...text.matchAll(/^import \{([^}]+)\} from '(inferbench[^']*)';/gm)];
    if (imports.length === 0) continue;
    it(`${doc} imports only what its entry points export`, async () => {
      for (const [, names, entry] of imports) {
        expect(Object.keys(ENTRY_FILES), `${doc}: ${entry} is an entry point`).toContain(entry);
        const exported = Object.keys(await import(ENTRY_FILES[entry!]!));
        const values = names!.split(',').map((n) => n.trim()).filter((n) => n !== '' && !n.startsWith('type '));
        for (const value of values) expect(exported, `${doc}: ${value} from '${entry}'`).toContain(value);
      }
    });
  }
});
