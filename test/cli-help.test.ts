import type { ArgsDef } from 'citty';
import { describe, expect, it } from 'vitest';
import { checkArgs } from '../src/cli/check-command.js';
import { compareArgs } from '../src/cli/compare-command.js';
import { compileArgs } from '../src/cli/compile-command.js';
import { envArgs } from '../src/cli/env-command.js';
import { renderCommandHelp } from '../src/cli/help.js';
import { mergeArgs } from '../src/cli/merge-command.js';
import { runArgs } from '../src/cli/run-command.js';
import { runCli } from '../src/cli/run-cli.js';
import { sweepArgs } from '../src/cli/sweep-command.js';
import { runInProcess } from './helpers/cli.js';

const COMMAND_ARGS: Record<string, ArgsDef> = { run: runArgs, sweep: sweepArgs, compare: compareArgs, merge: mergeArgs, compile: compileArgs, check: checkArgs, env: envArgs };

/** The headings of a help text: the first line of each paragraph after the description and usage. */
const headings = (help: string): string[] => help.split('\n\n').slice(2).map((p) => p.split('\n')[0]!);

/** Own flags ('Options') first, then each topic in the order its first flag is declared. */
function expectedHeadings(args: ArgsDef): string[] {
  const defs = Object.values(args);
  const groups = defs.map((d) => (d as { group?: string }).group).filter((g): g is string => g !== undefined);
  return [...(defs.some((d) => d.type === 'positional') ? ['Arguments'] : []), 'Options', ...new Set(groups)];
}

describe('inferbench help', () => {
  it('prints one usage block with a line per command and where to read on', async () => {
    const help = await runInProcess(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout.match(/^Usage:/gm)).toEqual(['Usage:']);
    for (const command of Object.keys(COMMAND_ARGS)) expect(help.stdout).toMatch(new RegExp(`^ {2}${command} +\\S.*$`, 'm'));
    expect(help.stdout).toContain("'inferbench help run'");
    expect(help.stdout).toContain("'inferbench help <command>'");
    expect(help.stdout).not.toContain('--batch-size');
    expect(help.stdout.split('\n').every((line) => line.length <= 80)).toBe(true);
    expect((await runInProcess(['help'])).stdout).toBe(help.stdout);
    // Without a command the help is the answer, and the status says nothing ran.
    expect((await runInProcess([])).exitCode).toBe(2);
  });

  it.each(Object.entries(COMMAND_ARGS))('%s: help <command> equals --help, fits 80 columns, and lists own flags before the topics', async (command, args) => {
    const help = await runInProcess(['help', command]);
    expect(help.exitCode).toBe(0);
    expect(help.stderr).toBe('');
    expect((await runInProcess([command, '--help'])).stdout).toBe(help.stdout);
    const long = help.stdout.split('\n').filter((line) => line.length > 80);
    expect(long).toEqual([]);
    expect(help.stdout).not.toContain('\u001b[');
    expect(help.stdout).toContain(`Usage: inferbench ${command} [options]`);
    expect(headings(help.stdout)).toEqual(expectedHeadings(args));
    for (const flag of Object.keys(args).filter((name) => args[name]!.type !== 'positional')) expect(help.stdout).toMatch(new RegExp(`--(\\[no-\\])?${flag}\\b`));
  });

  it("wraps to a terminal's width", async () => {
    let text = '';
    const stdout = { isTTY: true, columns: 60, write: (t: string) => (text += t) };
    expect(await runCli(['help', 'run'], { stdout, stderr: stdout, env: {}, cwd: '/' })).toBe(0);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(60);
    expect(text).toContain('--sequence-length');
  });

  it('refuses help for a command that does not exist, naming the nearest', async () => {
    const run = await runInProcess(['help', 'comprae']);
    expect([run.exitCode, run.stderr]).toEqual([2, "inferbench: unknown command 'comprae'; did you mean 'inferbench compare'?"]);
  });
});

describe('renderCommandHelp', () => {
  const args = {
    rate: { type: 'string', description: 'Queries per second', valueHint: 'qps', group: 'Load' },
    model: { type: 'string', alias: 'm', description: 'Model to benchmark', valueHint: 'name', group: 'Model' },
    clients: { type: 'string', alias: 'c', description: 'Concurrent clients', valueHint: 'n', group: 'Load' },
    'output-dir': { type: 'string', alias: 'o', description: 'Folder of the results, which is a long description that has to wrap over more than one line', valueHint: 'dir' },
    progress: { type: 'boolean', default: true, description: 'Show a progress bar' },
    arrival: { type: 'enum', options: ['constant', 'poisson'], description: 'Arrivals', group: 'Load' },
  } as ArgsDef;

  it('puts own flags first, then topics in the order they first appear, wrapping descriptions in their column', () => {
    const help = renderCommandHelp({ name: 'demo', description: 'A demonstration.', args }, 50);
    expect(help).toBe(
      [
        'A demonstration.',
        '',
        'Usage: inferbench demo [options]',
        '',
        'Options',
        '  -o, --output-dir <dir>',
        '                        Folder of the results,',
        '                        which is a long',
        '                        description that has to',
        '                        wrap over more than one',
        '                        line',
        '  --[no-]progress       Show a progress bar',
        '  -h, --help            Show this help',
        '',
        'Load',
        '  --rate <qps>          Queries per second',
        '  -c, --clients <n>     Concurrent clients',
        '  --arrival <constant|poisson>',
        '                        Arrivals',
        '',
        'Model',
        '  -m, --model <name>    Model to benchmark',
        '',
      ].join('\n'),
    );
  });
});
