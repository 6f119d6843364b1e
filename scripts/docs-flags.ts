// Writes the README's table of `inferbench run` flags from the option registry: `npm run docs:flags`.
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceFlagTable } from '../src/cli/flag-table.js';
import { runArgs } from '../src/cli/run-command.js';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, replaceFlagTable(readFileSync(readme, 'utf8'), runArgs));
