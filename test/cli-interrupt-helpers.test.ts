import { execa } from 'execa';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_NODE_ARGS } from './helpers/cli.js';
import { tempDir } from './helpers/fixtures.js';
import { isRunning } from './helpers/processes.js';

/** The pid a helper wrote into `file`, once written; NaN when the CLI ended first. */
async function pidWrittenTo(file: string, cli: { readonly exitCode: number | null }): Promise<number> {
  while (cli.exitCode === null) {
    const text = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    if (text !== '') return Number(text);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Number.NaN;
}

/** What lies under `dir`, by path relative to it. */
const entriesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true }) as string[];

/**
 * Interrupted while a helper process runs, inferbench ends the helper's whole process group (SIGTERM, then SIGKILL),
 * removes what the helper half-wrote, and exits 130 with one line: it is never killed by the raw signal. The helpers
 * are shell scripts that start a `sleep` of their own, as an interpreter wrapper does, and write its pid down.
 */
describe('inferbench interrupted while a helper process runs', () => {
  const dir = tempDir();

  it('ends an interpreter probe that hangs and ignores SIGINT and SIGTERM, with what it started, when the terminal sends Ctrl-C to the group', async () => {
    const marker = join(dir, 'probe-sleep.pid');
    const python = join(dir, 'hanging-python');
    writeFileSync(python, `#!/bin/sh\ntrap '' INT TERM\nsleep 60 &\necho $! > '${marker}'\nwait\n`, { mode: 0o755 });
    // Its own process group, as a shell gives a command: Ctrl-C goes to the whole group.
    const child = execa('node', [...CLI_NODE_ARGS, 'compile', '-m', 'torchvision:resnet18', '--cache-dir', join(dir, 'cache')], {
      reject: false,
      cwd: dir,
      env: { INFERBENCH_PYTHON: python },
      detached: true,
      timeout: 30_000,
    });
    const sleepPid = await pidWrittenTo(marker, child);
    process.kill(-child.pid!, 'SIGINT');
    const run = await child;
    const leftOver = isRunning(sleepPid);
    if (leftOver) process.kill(sleepPid, 'SIGKILL');
    expect([run.exitCode, run.signal]).toEqual([130, undefined]);
    expect(run.stderr.split('\n')).toEqual([`inferbench: probing the Python interpreter ${python} was cancelled before it finished`]);
    expect(leftOver).toBe(false);
  });

  it('ends a compile in Python and what it started, and removes the files it half-wrote into the cache', async () => {
    const marker = join(dir, 'compile-sleep.pid');
    const cache = join(dir, 'compile-cache');
    // Passes the torch probe; as the compile script, starts its output file under the script's temporary name, then
    // waits on a child of its own.
    const python = join(dir, 'slow-compile-python');
    writeFileSync(
      python,
      `#!/bin/sh\n[ "$1" = -c ] && { echo '{"torch": "2.0.0"}'; exit 0; }\nout=$(sed -n 's/.*"output":"\\([^"]*\\)".*/\\1/p')\necho partial > "$out.tmp"\nsleep 60 &\necho $! > '${marker}'\nwait\n`,
      { mode: 0o755 },
    );
    const child = execa('node', [...CLI_NODE_ARGS, 'compile', '-m', 'torchvision:resnet18', '--cache-dir', cache], { reject: false, cwd: dir, env: { INFERBENCH_PYTHON: python }, timeout: 30_000 });
    const sleepPid = await pidWrittenTo(marker, child);
    expect(entriesUnder(cache).filter((e) => e.includes('.tmp'))).toEqual([expect.stringMatching(/\.tmp\.model\.tmp$/)]);
    child.kill('SIGINT');
    const run = await child;
    const leftOver = isRunning(sleepPid);
    if (leftOver) process.kill(sleepPid, 'SIGKILL');
    expect([run.exitCode, run.signal]).toEqual([130, undefined]);
    expect(run.stderr.split('\n')).toEqual(['inferbench: compiling torchvision:resnet18 was cancelled before it finished']);
    expect(entriesUnder(cache).filter((e) => e.includes('.tmp'))).toEqual([]);
    expect(leftOver).toBe(false);
  });
});
