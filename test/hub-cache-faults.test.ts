import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { lock } from 'proper-lockfile';
import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS } from '../src/core/clock.js';
import { HubModelSource } from '../src/models/hub-model-source.js';
import { hubBlobPath, hubSnapshotDir } from '../src/models/hub/hub-cache.js';
import { type HubDownloadOptions, downloadHubFile } from '../src/models/hub/hub-download.js';
import { hubBlobLockPath } from '../src/models/hub/hub-lock.js';
import { type HubSettingsOptions, resolveHubSettings } from '../src/models/hub/hub-settings.js';
import { buildSyntheticBert } from '../src/models/synthetic-bert.js';
import { randomBytes, sha256Hex, startFakeHub } from './helpers/fake-hub.js';
import { tempDir } from './helpers/fixtures.js';

const COMMIT = '1111111111111111111111111111111111111111';
const MOVED_COMMIT = '2222222222222222222222222222222222222222';

const weights = randomBytes(300_000, 7);
const weightsLfs = `/lfs/${sha256Hex(weights)}`;
const model = { id: 'org/model', commit: COMMIT, files: [{ path: 'model.onnx', content: weights, lfs: true }] };
const hub = await startFakeHub({ repos: [model] });
// A hub whose LFS redirects point to a file: URL.
const fileRedirecting = await startFakeHub({ repos: [model], lfsOrigin: 'file://' });

function settings(cacheDir: string, options: HubSettingsOptions = {}) {
  return resolveHubSettings({ endpoint: hub.url, cacheDir, ...options }, {});
}

function download(cacheDir: string, options: Partial<HubDownloadOptions> = {}) {
  return downloadHubFile({ repoId: 'org/model', path: 'model.onnx', settings: settings(cacheDir), ...options });
}

const gets = (path: string) => hub.requestsTo(path, 'GET').length;

describe('the shared hub cache under concurrent and broken downloads', () => {
  it('lets one download write a blob at a time: two at once fetch it once and both get the whole file', async () => {
    const cacheDir = tempDir();
    const before = gets(weightsLfs);
    const [first, second] = await Promise.all([download(cacheDir), download(cacheDir)]);
    expect(second).toEqual(first);
    expect(sha256Hex(readFileSync(first.path))).toBe(sha256Hex(weights));
    expect(gets(weightsLfs) - before).toBe(1);
    expect(readdirSync(join(cacheDir, 'models--org--model', 'blobs'))).toEqual([sha256Hex(weights)]);
  });

  it('waits while another process holds the blob lock, and takes over a lock its holder stopped refreshing', async () => {
    const cacheDir = tempDir();
    const lockPath = hubBlobLockPath(cacheDir, 'org/model', sha256Hex(weights));
    mkdirSync(join(lockPath, '..'), { recursive: true });
    const release = await lock(lockPath, { realpath: false, lockfilePath: lockPath });
    const before = gets(weightsLfs);
    const waiting = download(cacheDir);
    await delay(500);
    expect(gets(weightsLfs) - before).toBe(0);
    await release();
    expect(sha256Hex(readFileSync((await waiting).path))).toBe(sha256Hex(weights));

    // A lock left by a process that died a minute ago.
    const other = tempDir();
    const stalePath = hubBlobLockPath(other, 'org/model', sha256Hex(weights));
    mkdirSync(stalePath, { recursive: true });
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(stalePath, aMinuteAgo, aMinuteAgo);
    expect(sha256Hex(readFileSync((await download(other)).path))).toBe(sha256Hex(weights));
  });

  it('discards kept bytes that do not belong to the file and fetches it whole, never storing a wrong blob', async () => {
    const cacheDir = tempDir();
    const blob = hubBlobPath(cacheDir, 'org/model', sha256Hex(weights));
    mkdirSync(join(blob, '..'), { recursive: true });
    writeFileSync(`${blob}.inferbench.incomplete`, randomBytes(5000, 99));
    const before = hub.requestsTo(weightsLfs, 'GET').length;
    const { path } = await download(cacheDir);
    expect(sha256Hex(readFileSync(path))).toBe(sha256Hex(weights));
    expect(hub.requestsTo(weightsLfs, 'GET').slice(before).map((request) => request.range)).toEqual(['bytes=5000-', undefined]);
  });

  it("never reads or writes huggingface_hub's own partial file, which its lock guards and ours does not", async () => {
    const cacheDir = tempDir();
    const blob = hubBlobPath(cacheDir, 'org/model', sha256Hex(weights));
    mkdirSync(join(blob, '..'), { recursive: true });
    const pythons = randomBytes(5000, 7);
    writeFileSync(`${blob}.incomplete`, pythons);
    const before = hub.requestsTo(weightsLfs, 'GET').length;
    expect(sha256Hex(readFileSync((await download(cacheDir)).path))).toBe(sha256Hex(weights));
    expect(hub.requestsTo(weightsLfs, 'GET').slice(before).map((request) => request.range)).toEqual([undefined]);
    expect(readFileSync(`${blob}.incomplete`)).toEqual(pythons);
  });

  it('fetches again a stored blob of the wrong size instead of using it', async () => {
    const cacheDir = tempDir();
    const blob = hubBlobPath(cacheDir, 'org/model', sha256Hex(weights));
    const snapshotFile = join(hubSnapshotDir(cacheDir, 'org/model', COMMIT), 'model.onnx');
    mkdirSync(join(blob, '..'), { recursive: true });
    mkdirSync(join(snapshotFile, '..'), { recursive: true });
    writeFileSync(blob, weights.subarray(0, 1000));
    symlinkSync(`../../blobs/${sha256Hex(weights)}`, snapshotFile);
    const { path } = await download(cacheDir);
    expect(path).toBe(snapshotFile);
    expect(sha256Hex(readFileSync(path))).toBe(sha256Hex(weights));
  });

  it('times out a body that stops halfway with the headers\' limit, and resumes it', async () => {
    const cacheDir = tempDir();
    hub.stallOnce(weightsLfs, 100_000);
    const before = hub.requestsTo(weightsLfs, 'GET').length;
    const { path } = await download(cacheDir, { settings: settings(cacheDir, { responseTimeoutMs: 300 }) });
    expect(sha256Hex(readFileSync(path))).toBe(sha256Hex(weights));
    expect(hub.requestsTo(weightsLfs, 'GET').slice(before).map((request) => request.range)).toEqual([undefined, 'bytes=100000-']);
  }, 30_000);

  it('says a full disk is a full disk, without retrying or blaming the network', async () => {
    const cacheDir = tempDir();
    const blob = hubBlobPath(cacheDir, 'org/model', sha256Hex(weights));
    mkdirSync(join(blob, '..'), { recursive: true });
    symlinkSync('/dev/full', `${blob}.inferbench.incomplete`);
    const before = gets(weightsLfs);
    await expect(download(cacheDir)).rejects.toMatchObject({
      code: 'CACHE_NOT_WRITTEN',
      message: `cannot write into the cache folder ${cacheDir}: its disk is full; free space there, or point the Hugging Face cache elsewhere with HF_HUB_CACHE`,
    });
    expect(gets(weightsLfs) - before).toBe(1);
    expect(existsSync(blob)).toBe(false);
  });

  it('refuses a redirect to a file: URL in one line', async () => {
    const cacheDir = tempDir();
    await expect(download(cacheDir, { settings: settings(cacheDir, { endpoint: fileRedirecting.url }) })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringMatching(/redirected model\.onnx of org\/model to "file:\/\/\/lfs\/[0-9a-f]{64}", which is not an http\(s\) URL; check HF_ENDPOINT$/),
    });
  });

  it('takes a huge HF_HUB_DOWNLOAD_TIMEOUT as the longest wait a timer allows, not as no wait at all', async () => {
    const cacheDir = tempDir();
    const huge = resolveHubSettings({ endpoint: hub.url, cacheDir }, { HF_HUB_DOWNLOAD_TIMEOUT: '99999999999' });
    expect(huge.responseTimeoutMs).toBe(MAX_TIMER_MS);
    expect(sha256Hex(readFileSync((await download(cacheDir, { settings: huge })).path))).toBe(sha256Hex(weights));
  });
});

describe('a hub model whose branch moves during its download', () => {
  const first = {
    id: 'org/moving',
    commit: COMMIT,
    files: [
      { path: 'model.onnx', content: buildSyntheticBert({ layers: 1, hiddenSize: 32, heads: 2, intermediateSize: 64 }), lfs: true },
      { path: 'config.json', content: JSON.stringify({ model_type: 'bert', max_position_embeddings: 64 }) },
    ],
  };
  const moved = { ...first, commit: MOVED_COMMIT, files: [first.files[0]!, { path: 'config.json', content: JSON.stringify({ model_type: 'bert', max_position_embeddings: 512 }) }] };

  it('takes every file from the commit the model file resolved to', async () => {
    const movingHub = await startFakeHub({ repos: [first] });
    movingHub.pushAfter('/org/moving/resolve/main/model.onnx', moved);
    const cacheDir = tempDir();
    const source = new HubModelSource('org/moving', { settings: resolveHubSettings({ endpoint: movingHub.url, cacheDir }, {}) });
    const resolved = await source.resolve({ cacheDir: tempDir() });
    expect(resolved.path).toBe(join(hubSnapshotDir(cacheDir, 'org/moving', COMMIT), 'model.onnx'));
    expect(resolved.maxSequenceLength).toBe(64);
    expect(readdirSync(join(cacheDir, 'models--org--moving', 'snapshots'))).toEqual([COMMIT]);
    expect(movingHub.requestsTo(`/org/moving/resolve/${COMMIT}/config.json`, 'HEAD')).toHaveLength(1);
  });
});
