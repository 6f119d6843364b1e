import type { ArgsDef } from 'citty';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compareArgs } from '../src/cli/compare-command.js';
import { compileArgs } from '../src/cli/compile-command.js';
import { mergeArgs } from '../src/cli/merge-command.js';
import { runArgs } from '../src/cli/run-command.js';
import { sweepArgs } from '../src/cli/sweep-command.js';
import { FAULT_FAMILIES, type FaultCase } from './faults/fault-case.js';
import { FLAG_CASES } from './faults/flag-cases.js';
import { HUB_CASES, HUB_REPOS, HUB_TOKEN } from './faults/hub-cases.js';
import { INPUT_CASES } from './faults/input-cases.js';
import { MODEL_CASES } from './faults/model-cases.js';
import { OUTPUT_CASES } from './faults/output-cases.js';
import { PROCESS_CASES } from './faults/process-cases.js';
import { runFaultCase, unmetNeed, type FaultSuite } from './faults/run-fault-case.js';
import { TERMINAL_CASES } from './faults/terminal-cases.js';
import { startFakeHub } from './helpers/fake-hub.js';
import { tempDir } from './helpers/fixtures.js';

// The catalogue of hostile cases (docs/reliability.md): one test each, grouped by family, so that `npm run bench`
// counts them. Each case is data in test/faults/; runFaultCase checks what every fault promises.

const CATALOGUE: readonly FaultCase[] = [...FLAG_CASES, ...MODEL_CASES, ...INPUT_CASES, ...OUTPUT_CASES, ...TERMINAL_CASES, ...HUB_CASES, ...PROCESS_CASES];

const hub = await startFakeHub({ token: HUB_TOKEN, repos: HUB_REPOS });
const root = tempDir('inferbench-faults-');
const suite: FaultSuite = { root, cacheDir: join(root, 'shared-cache'), hubUrl: hub.url };
mkdirSync(suite.cacheDir);

for (const family of FAULT_FAMILIES) {
  describe(family, () => {
    for (const fault of CATALOGUE.filter((c) => c.family === family)) {
      // Above the spawn's own 60-s hang guard, so that a hang is reported as one.
      test.skipIf(unmetNeed(fault) !== undefined)(fault.name, () => runFaultCase(fault, suite), 90_000);
    }
  });
}

const COMMAND_ARGS: Readonly<Record<string, ArgsDef>> = { run: runArgs, sweep: sweepArgs, compare: compareArgs, merge: mergeArgs, compile: compileArgs };

/** The name of the flag `arg` spells among `args` (`-b` is batch-size), if it is one. */
function flagNamed(args: ArgsDef, arg: string | undefined): string | undefined {
  const spelled = arg?.replace(/^--?/, '');
  return Object.entries(args).find(([name, def]) => name === spelled || ('alias' in def && [def.alias ?? []].flat().includes(spelled ?? '')))?.[0];
}

test('the flags family tries a bad value of every value flag of run, sweep, compare, merge and compile', () => {
  const tried = new Set(FLAG_CASES.map(({ args: [command = '', arg] }) => `${command} ${flagNamed(COMMAND_ARGS[command] ?? {}, arg)}`));
  // A run option's flag reads its value alike in every command: trying it with run tries it everywhere.
  const isTried = (command: string, name: string): boolean => tried.has(`${command} ${name}`) || (name in runArgs && tried.has(`run ${name}`));
  const untried = Object.entries(COMMAND_ARGS).flatMap(([command, args]) =>
    Object.entries(args)
      .filter(([name, def]) => (def.type === 'string' || def.type === 'enum') && !isTried(command, name))
      .map(([name]) => `${command} --${name}`),
  );
  expect(untried).toEqual([]);
});
