import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_CURRENT, ROOT } from './helpers/dist-build.js';

// The package as a user gets it: built and packed from a copy of the working tree, installed
// offline into a fresh project, then type-checked and run by that project's own TypeScript.

const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
// onnxruntime-node's install script would fetch the CUDA provider from the network; the CPU binary is bundled.
const NPM_ENV = { ONNXRUNTIME_NODE_INSTALL: 'skip' };

/** The consumer's pipeline: one import from each entry point it needs, and values it prints. */
const CONSUMER_TS = `
import { runBenchmark } from 'inferbench';
import { LatencyHistogram } from 'inferbench/stats';
import { NullBackend, type Backend } from 'inferbench/backends';

const histogram = new LatencyHistogram();
for (const ns of [100, 200, 300, 400, 500]) histogram.recordNs(ns);
console.log(\`p50 \${histogram.valueAtPercentileNs(50)}\`);

// Inside the project, which the test removes with it.
const cacheDir = 'cache';
const real = await runBenchmark({ queryCount: 20, cacheDir });
console.log(\`model \${real.model.name}\`);
console.log(\`throughput \${real.measurement.throughput.samplesPerSecond}\`);

const backend: Backend = new NullBackend();
const harness = await runBenchmark({ queryCount: 20, cacheDir, backend });
console.log(\`null \${harness.backend.name} \${harness.measurement.completedQueries}\`);

// Never called: it fails the type check unless the published types reject a wrong option type.
export function typesAreStrict(): void {
  // @ts-expect-error queryCount is a number
  void runBenchmark({ queryCount: 'twenty' });
}
`;

/** The same package from a CommonJS module, which TypeScript compiles to require(). */
const CONSUMER_CTS = `
import { LatencyHistogram } from 'inferbench/stats';

const histogram = new LatencyHistogram();
histogram.recordNs(7);
console.log(\`count \${histogram.count}\`);
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    // The package's declarations are checked too: a type they name must exist for a consumer.
    skipLibCheck: false,
    typeRoots: [join(ROOT, 'node_modules/@types')],
    types: ['node'],
    outDir: 'build',
  },
  include: ['consumer.ts', 'consumer.cts'],
};

interface Packed {
  /** Absolute path of the tarball. */
  readonly tarball: string;
  /** Paths inside the package, as npm lists them. */
  readonly files: readonly string[];
  readonly sizeBytes: number;
  readonly unpackedBytes: number;
}

let work: string;
let stage: string;
let consumer: string;
let packed: Packed;
/** Why the offline install could not run here, when it could not. */
let installSkipped: string | undefined;

/** Builds (or reuses a current build of) and packs a copy of the package's files: the working tree keeps its own dist/. */
async function buildAndPack(): Promise<Packed> {
  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  const tops = new Set(['package.json', 'tsconfig.json', '.gitignore', 'README.md', 'LICENSE', 'src', ...manifest.files.map((f) => f.split('/')[0]!)]);
  tops.delete('dist');
  for (const top of tops) if (existsSync(join(ROOT, top))) await cp(join(ROOT, top), join(stage, top), { recursive: true });
  // What a careless pack would pick up: built API docs, and a compiled module whose source is gone.
  await mkdir(join(stage, 'docs/api'), { recursive: true });
  await writeFile(join(stage, 'docs/api/index.html'), '<html></html>');
  await mkdir(join(stage, 'dist'));
  await writeFile(join(stage, 'dist/removed-module.js'), 'export {};');
  await symlink(join(ROOT, 'node_modules'), join(stage, 'node_modules'));
  if (DIST_CURRENT) {
    // The build's first step, so that the stale module above is gone as a build would leave it.
    await execa('npm', ['run', 'clean'], { cwd: stage });
    await cp(join(ROOT, 'dist'), join(stage, 'dist'), { recursive: true });
  } else {
    await execa('npm', ['run', 'build'], { cwd: stage });
  }
  const out = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: stage });
  const [info] = JSON.parse(out.stdout) as [{ filename: string; size: number; unpackedSize: number; files: { path: string }[] }];
  return { tarball: join(work, info.filename), files: info.files.map((f) => f.path), sizeBytes: info.size, unpackedBytes: info.unpackedSize };
}

/**
 * A fresh project that depends on the tarball, installed offline. npm resolves a project without a
 * lockfile from full registry metadata, which an offline cache need not hold; the repository's
 * lockfile pins the very versions it tests with, so the consumer's lockfile reuses its production part.
 */
async function installOffline(): Promise<string | undefined> {
  const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const manifest = JSON.parse(await readFile(join(stage, 'package.json'), 'utf8')) as Record<string, unknown>;
  const spec = `file:${packed.tarball}`;
  const integrity = `sha512-${createHash('sha512').update(await readFile(packed.tarball)).digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { inferbench: spec } },
    'node_modules/inferbench': { version: manifest.version, resolved: spec, integrity, license: manifest.license, dependencies: manifest.dependencies, bin: manifest.bin, engines: manifest.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && !entry.dev) packages[path] = entry;
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { inferbench: spec } }));
  await writeFile(join(consumer, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }));
  const install = await execa('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: consumer, env: NPM_ENV, reject: false });
  if (install.exitCode === 0) return undefined;
  if (install.stderr.includes('ENOTCACHED') && !process.env.CI) return 'the npm cache lacks a dependency (run `npm ci` online once)';
  throw new Error(`offline install of the tarball failed:\n${install.stderr}`);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'inferbench-pack-'));
  stage = join(work, 'stage');
  consumer = join(work, 'consumer');
  await mkdir(stage);
  await mkdir(consumer);
  packed = await buildAndPack();
  installSkipped = await installOffline();
  const installed = installSkipped ? 'not installed' : (await execa('du', ['-sh', 'node_modules'], { cwd: consumer })).stdout.split('\t')[0];
  console.log(
    `tarball ${(packed.sizeBytes / 1024).toFixed(0)} KiB packed, ${(packed.unpackedBytes / 1024).toFixed(0)} KiB unpacked, ` +
      `${packed.files.length} files; consumer node_modules ${installed}`,
  );
}, 600_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds LICENSE and the changelog, the docs the README links to, and no generated API docs', async () => {
    expect(packed.files).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']));
    expect(packed.files.filter((f) => f.startsWith('docs/api/'))).toEqual([]);
    const readme = await readFile(join(stage, 'README.md'), 'utf8');
    const linkedDocs = [...readme.matchAll(/\]\((docs\/[^)#]+\.md)/g)].map((m) => m[1]!);
    expect(linkedDocs.length).toBeGreaterThan(0);
    expect(packed.files).toEqual(expect.arrayContaining(linkedDocs));
  });

  it('ships only modules compiled from current sources, and no source map that points at a missing file', async () => {
    const compiled = packed.files.filter((f) => f.startsWith('dist/') && !f.endsWith('.map'));
    expect(compiled.length).toBeGreaterThan(0);
    const orphans = compiled.filter((f) => !existsSync(join(stage, f.replace(/^dist\//, 'src/').replace(/\.d\.ts$|\.js$/, '.ts'))));
    expect(orphans).toEqual([]);
    for (const map of packed.files.filter((f) => f.endsWith('.map'))) {
      const { sources } = JSON.parse(await readFile(join(stage, map), 'utf8')) as { sources: string[] };
      const missing = sources.map((s) => join(map, '..', s)).filter((s) => !packed.files.includes(s));
      expect(missing, map).toEqual([]);
    }
  });

  it('declares what it needs: repository, homepage, bugs, engines, and export targets that it ships', async () => {
    const manifest = JSON.parse(await readFile(join(stage, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ repository: { url: expect.any(String) }, homepage: expect.any(String), bugs: { url: expect.any(String) } });
    const targets = Object.values(manifest.exports as Record<string, string | Record<string, string>>).flatMap((entry) =>
      typeof entry === 'string' ? [entry] : ['types', 'import', 'require', 'default'].flatMap((condition) => entry[condition] ?? []),
    );
    const missing = targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !packed.files.includes(t));
    expect(missing).toEqual([]);
  });
});

describe('a fresh project that installs the tarball', () => {
  /** The consumer's own type check, of both its modules. */
  let typeCheck: { exitCode: number | undefined; output: string };

  beforeAll(async () => {
    if (installSkipped) return;
    await writeFile(join(consumer, 'consumer.ts'), CONSUMER_TS);
    await writeFile(join(consumer, 'consumer.cts'), CONSUMER_CTS);
    await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    const { exitCode, all } = await execa(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: consumer, reject: false, all: true });
    typeCheck = { exitCode, output: all };
  }, 300_000);

  it('type-checks and runs its own TypeScript pipeline against the package (ESM)', async (ctx) => {
    ctx.skip(installSkipped !== undefined, installSkipped);
    expect(typeCheck.output).toBe('');
    expect(typeCheck.exitCode).toBe(0);
    const run = await execa(process.execPath, ['build/consumer.js'], { cwd: consumer, reject: false, timeout: 300_000 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^p50 300$/m);
    expect(run.stdout).toMatch(/^model synthetic-bert \(/m);
    expect(Number(/^throughput (\S+)$/m.exec(run.stdout)?.[1])).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/^null null 20$/m);
  }, 600_000);

  it("puts the CLI on the project's PATH", async (ctx) => {
    ctx.skip(installSkipped !== undefined, installSkipped);
    const help = await execa(join(consumer, 'node_modules/.bin/inferbench'), ['run', '--help'], { cwd: consumer, reject: false });
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toContain('inferbench run');
  });

  it('can be required from CommonJS, in JavaScript and in TypeScript', async (ctx) => {
    ctx.skip(installSkipped !== undefined, installSkipped);
    const script = "const { runBenchmark } = require('inferbench'); const { LatencyHistogram } = require('inferbench/stats'); console.log(typeof runBenchmark, typeof LatencyHistogram)";
    const plain = await execa(process.execPath, ['-e', script], { cwd: consumer, reject: false });
    expect(plain.stderr).toBe('');
    expect(plain.stdout).toBe('function function');
    expect(typeCheck.exitCode).toBe(0);
    const compiled = await execa(process.execPath, ['build/consumer.cjs'], { cwd: consumer, reject: false });
    expect(compiled.stderr).toBe('');
    expect(compiled.stdout).toBe('count 1');
  });
});
