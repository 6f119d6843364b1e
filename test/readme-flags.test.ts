import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replaceFlagTable } from '../src/cli/flag-table.js';
import { runArgs } from '../src/cli/run-command.js';

describe("the README's flag table", () => {
  it('is what the option registry generates (run `npm run docs:flags` when this fails)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(replaceFlagTable(readme, runArgs)).toBe(readme);
  });

  it('lists every flag of run, with its variable', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const flag of ['--query-count <n>', '-n, --query-count', '--duration-ms', '--rate-qps', '--device-ids', '--output-dir', '--config', '`--requests`', '`--stability-percentage`']) {
      expect(readme).toContain(flag);
    }
    expect(readme).toMatch(/\| `-c, --clients <n>` \| 2 \| `NUM_THREADS` \|/);
  });
});
