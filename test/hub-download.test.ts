import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type HubDownloadOptions, downloadHubFile } from '../src/models/hub/hub-download.js';
import type { HubDownloadProgress } from '../src/models/hub/hub-blob-download.js';
import { resolveHubSettings, type HubSettingsOptions } from '../src/models/hub/hub-settings.js';
import { tempDir } from './helpers/fixtures.js';
import { gitBlobSha1, randomBytes, sha256Hex, startFakeHub } from './helpers/fake-hub.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const OTHER_COMMIT = 'fedcba9876543210fedcba9876543210fedcba98';
const TOKEN = 'hf_fake_token';

const weights = randomBytes(200_000, 1);
const corruptWeights = randomBytes(50_000, 2);
const privateWeights = randomBytes(30_000, 3);
const config = '{"model_type":"bert"}\n';

const repos = [
  { id: 'org/model', commit: COMMIT, files: [{ path: 'config.json', content: config }, { path: 'onnx/model.onnx', content: weights, lfs: true }] },
  { id: 'org/corrupt', commit: COMMIT, files: [{ path: 'model.onnx', content: corruptWeights, lfs: true }] },
  { id: 'org/private', commit: OTHER_COMMIT, private: true, files: [{ path: 'model.onnx', content: privateWeights, lfs: true }] },
  { id: 'old-org/model', commit: COMMIT, renamedTo: 'org/model', files: [] },
];
const hub = await startFakeHub({ repos, token: TOKEN });
// Serves LFS bytes from another origin, as the hub's CDN does.
const storage = await startFakeHub({ repos });
const front = await startFakeHub({ repos, token: TOKEN, lfsOrigin: storage.url });
const weightsLfs = `/lfs/${sha256Hex(weights)}`;

function settings(cacheDir: string, options: HubSettingsOptions = {}) {
  return resolveHubSettings({ endpoint: hub.url, cacheDir, ...options }, {});
}

/** Requests the hub received while `run` ran. */
async function requestsDuring(run: () => Promise<unknown>) {
  const before = hub.requests.length;
  await run();
  return hub.requests.slice(before);
}

/** The snapshot path of a downloaded file. */
const downloadPath = async (options: HubDownloadOptions): Promise<string> => (await downloadHubFile(options)).path;

describe('downloadHubFile', () => {
  it('downloads into the huggingface_hub layout: relative symlinks to blobs named by etag, refs/main holding the commit', async () => {
    const cacheDir = tempDir();
    const progress: HubDownloadProgress[] = [];
    const path = await downloadPath({ repoId: 'org/model', path: 'onnx/model.onnx', settings: settings(cacheDir), onProgress: (p) => progress.push(p) });
    const configPath = await downloadPath({ repoId: 'org/model', revision: 'main', path: 'config.json', settings: settings(cacheDir) });
    const repoDir = join(cacheDir, 'models--org--model');
    expect(path).toBe(join(repoDir, 'snapshots', COMMIT, 'onnx', 'model.onnx'));
    expect(readlinkSync(path)).toBe(`../../../blobs/${sha256Hex(weights)}`);
    expect(readlinkSync(configPath)).toBe(`../../blobs/${gitBlobSha1(config)}`);
    expect(sha256Hex(readFileSync(path))).toBe(sha256Hex(weights));
    expect(readFileSync(configPath, 'utf8')).toBe(config);
    expect(readFileSync(join(repoDir, 'refs', 'main'), 'utf8')).toBe(COMMIT);
    expect(readdirSync(join(repoDir, 'blobs')).sort()).toEqual([gitBlobSha1(config), sha256Hex(weights)].sort());
    expect(progress.at(-1)).toEqual({ path: 'onnx/model.onnx', downloadedBytes: weights.byteLength, totalBytes: weights.byteLength });
    expect(progress.every((p, i) => i === 0 || p.downloadedBytes >= (progress[i - 1]?.downloadedBytes ?? 0))).toBe(true);
  });

  it('answers a second call with a HEAD only, and a commit revision from the cache without any request', async () => {
    const cacheDir = tempDir();
    const first = await downloadPath({ repoId: 'org/model', path: 'onnx/model.onnx', settings: settings(cacheDir) });
    let second = '';
    const requests = await requestsDuring(async () => {
      second = await downloadPath({ repoId: 'org/model', path: 'onnx/model.onnx', settings: settings(cacheDir) });
    });
    expect(second).toBe(first);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['HEAD /org/model/resolve/main/onnx/model.onnx']);
    const byCommit = await requestsDuring(async () => {
      expect(await downloadPath({ repoId: 'org/model', revision: COMMIT, path: 'onnx/model.onnx', settings: settings(cacheDir) })).toBe(first);
    });
    expect(byCommit).toEqual([]);
  });

  it('relinks from an existing blob without downloading it again', async () => {
    const cacheDir = tempDir();
    const path = await downloadPath({ repoId: 'org/model', path: 'config.json', settings: settings(cacheDir) });
    const snapshots = join(cacheDir, 'models--org--model', 'snapshots');
    rmSync(snapshots, { recursive: true });
    const requests = await requestsDuring(() => downloadPath({ repoId: 'org/model', path: 'config.json', settings: settings(cacheDir) }));
    expect(requests.map((r) => r.method)).toEqual(['HEAD']);
    expect(readFileSync(path, 'utf8')).toBe(config);
  });

  it('works offline from the cache and says exactly what is missing otherwise', async () => {
    const cacheDir = tempDir();
    const online = await downloadPath({ repoId: 'org/model', path: 'onnx/model.onnx', settings: settings(cacheDir) });
    const offline = resolveHubSettings({ endpoint: hub.url }, { HF_HUB_CACHE: cacheDir, HF_HUB_OFFLINE: '1' });
    const repoDir = join(cacheDir, 'models--org--model');
    const requests = await requestsDuring(async () => {
      expect(await downloadPath({ repoId: 'org/model', path: 'onnx/model.onnx', settings: offline })).toBe(online);
      await expect(downloadPath({ repoId: 'org/model', path: 'onnx/other.onnx', settings: offline })).rejects.toMatchObject({
        code: 'MODEL_NOT_FOUND',
        message: `onnx/other.onnx of org/model at revision main is not in the Hugging Face cache (looked for ${join(repoDir, 'snapshots', COMMIT, 'onnx', 'other.onnx')}) and HF_HUB_OFFLINE=1 is set; unset it to download`,
      });
      await expect(downloadPath({ repoId: 'org/model', revision: 'v2', path: 'onnx/model.onnx', settings: offline })).rejects.toMatchObject({
        message: `onnx/model.onnx of org/model at revision v2 is not in the Hugging Face cache (looked for ${join(repoDir, 'refs', 'v2')}) and HF_HUB_OFFLINE=1 is set; unset it to download`,
      });
      await expect(downloadPath({ repoId: 'org/model', path: 'onnx/other.onnx', settings: settings(cacheDir), localFilesOnly: true })).rejects.toMatchObject({
        message: expect.stringMatching(/not in the Hugging Face cache .* and only local files were allowed; allow downloads to fetch it$/),
      });
    });
    expect(requests).toEqual([]);
  });

  it('resumes a cut download with a Range request and verifies the whole file', async () => {
    const cacheDir = tempDir();
    hub.cutOnce(weightsLfs, 120_000);
    const progress: HubDownloadProgress[] = [];
    const requests = await requestsDuring(async () => {
      const path = await downloadPath({ repoId: 'org/model', path: 'onnx/model.onnx', settings: settings(cacheDir), onProgress: (p) => progress.push(p) });
      expect(sha256Hex(readFileSync(path))).toBe(sha256Hex(weights));
    });
    const gets = requests.filter((r) => r.method === 'GET' && r.path === weightsLfs);
    expect(gets).toHaveLength(2);
    expect(gets[0]?.range).toBeUndefined();
    // Every byte received before the cut was kept.
    expect(gets[1]?.range).toBe('bytes=120000-');
    expect(progress.at(-1)?.downloadedBytes).toBe(weights.byteLength);
    expect(readdirSync(join(cacheDir, 'models--org--model', 'blobs'))).toEqual([sha256Hex(weights)]);
  });

  it('resumes a partial file a previous run left, and starts over when the server ignores the Range', async () => {
    const cacheDir = tempDir();
    const blobs = join(cacheDir, 'models--org--model', 'blobs');
    mkdirSync(blobs, { recursive: true });
    writeFileSync(join(blobs, `${sha256Hex(weights)}.inferbench.incomplete`), weights.subarray(0, 5000));
    writeFileSync(join(blobs, `${gitBlobSha1(config)}.inferbench.incomplete`), 'stale');
    const requests = await requestsDuring(async () => {
      expect(sha256Hex(readFileSync(await downloadPath({ repoId: 'org/model', path: 'onnx/model.onnx', settings: settings(cacheDir) })))).toBe(sha256Hex(weights));
      expect(readFileSync(await downloadPath({ repoId: 'org/model', path: 'config.json', settings: settings(cacheDir) }), 'utf8')).toBe(config);
    });
    expect(requests.filter((r) => r.method === 'GET').map((r) => [r.path, r.range])).toEqual([
      [weightsLfs, 'bytes=5000-'],
      ['/org/model/resolve/main/config.json', 'bytes=5-'],
    ]);
  });

  it('refuses a corrupted LFS download and deletes it', async () => {
    const cacheDir = tempDir();
    const corrupted = Buffer.from(corruptWeights);
    corrupted[0] = (corrupted[0] ?? 0) ^ 0xff;
    hub.corrupt(`/lfs/${sha256Hex(corruptWeights)}`);
    await expect(downloadPath({ repoId: 'org/corrupt', path: 'model.onnx', settings: settings(cacheDir) })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: `downloaded model.onnx of org/corrupt at revision main is corrupt: expected SHA-256 ${sha256Hex(corruptWeights)}, got ${sha256Hex(corrupted)}; the download was deleted, run again to fetch it anew`,
    });
    const repoDir = join(cacheDir, 'models--org--corrupt');
    expect(readdirSync(join(repoDir, 'blobs'))).toEqual([]);
    expect(existsSync(join(repoDir, 'snapshots'))).toBe(false);
    expect(existsSync(join(repoDir, 'refs'))).toBe(false);
  });

  it('names repo, revision and file on a 404', async () => {
    const cacheDir = tempDir();
    await expect(downloadPath({ repoId: 'org/missing', path: 'model.onnx', settings: settings(cacheDir) })).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: `model.onnx of org/missing at revision main not found (HTTP 404 from ${hub.url}/org/missing/resolve/main/model.onnx); check the repo id, the revision and the file name`,
    });
    await expect(downloadPath({ repoId: 'org/model', revision: 'refs/pr/1', path: 'model.onnx', settings: settings(cacheDir) })).rejects.toMatchObject({
      message: `model.onnx of org/model at revision refs/pr/1 not found (HTTP 404 from ${hub.url}/org/model/resolve/refs%2Fpr%2F1/model.onnx); check the repo id, the revision and the file name`,
    });
  });

  it('says whether a token was sent on a 401, and downloads a private repo with the right token', async () => {
    const cacheDir = tempDir();
    const url = `${hub.url}/org/private/resolve/main/model.onnx`;
    await expect(downloadPath({ repoId: 'org/private', path: 'model.onnx', settings: settings(cacheDir) })).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      message: `access to model.onnx of org/private at revision main refused (HTTP 401 from ${url}) and no token was sent; if the repo is private or gated, set HF_TOKEN to a token that can read it, else check the repo id`,
    });
    await expect(downloadPath({ repoId: 'org/private', path: 'model.onnx', settings: settings(cacheDir, { token: 'hf_wrong' }) })).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      message: `access to model.onnx of org/private at revision main refused (HTTP 401 from ${url}) although a token was sent; check that HF_TOKEN can read this repo (gated repos need access granted on their page) and that the repo id is right`,
    });
    const path = await downloadPath({ repoId: 'org/private', path: 'model.onnx', settings: settings(cacheDir, { token: TOKEN }) });
    expect(path).toBe(join(cacheDir, 'models--org--private', 'snapshots', OTHER_COMMIT, 'model.onnx'));
    expect(sha256Hex(readFileSync(path))).toBe(sha256Hex(privateWeights));
    expect(hub.requestsTo('/org/private/resolve/main/model.onnx', 'HEAD').map((r) => r.authorization)).toEqual([undefined, 'Bearer hf_wrong', `Bearer ${TOKEN}`]);
  });

  it('never sends the token to a storage host on another origin', async () => {
    const cacheDir = tempDir();
    const path = await downloadPath({ repoId: 'org/private', path: 'model.onnx', settings: resolveHubSettings({ endpoint: front.url, cacheDir }, { HF_TOKEN: TOKEN }) });
    expect(sha256Hex(readFileSync(path))).toBe(sha256Hex(privateWeights));
    expect(front.requestsTo('/org/private/resolve/main/model.onnx').map((r) => [r.method, r.authorization])).toEqual([['HEAD', `Bearer ${TOKEN}`]]);
    expect(storage.requestsTo(`/lfs/${sha256Hex(privateWeights)}`).map((r) => [r.method, r.authorization])).toEqual([['GET', undefined]]);
  });

  it('follows the relative redirect of a renamed repo and caches under the name asked for', async () => {
    const cacheDir = tempDir();
    const requests = await requestsDuring(async () => {
      const path = await downloadPath({ repoId: 'old-org/model', path: 'config.json', settings: settings(cacheDir) });
      expect(path).toBe(join(cacheDir, 'models--old-org--model', 'snapshots', COMMIT, 'config.json'));
      expect(readFileSync(path, 'utf8')).toBe(config);
    });
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'HEAD /old-org/model/resolve/main/config.json',
      'HEAD /org/model/resolve/main/config.json',
      'GET /org/model/resolve/main/config.json',
    ]);
  });

  it('refuses repo ids, revisions and file names that would escape the cache, before any request', async () => {
    const cacheDir = tempDir();
    const cases = [
      { repoId: '../../etc', path: 'model.onnx', named: 'repo id "../../etc"' },
      { repoId: 'org/model', revision: '../../../x', path: 'model.onnx', named: 'revision "../../../x"' },
      { repoId: 'org/model', revision: '/abs', path: 'model.onnx', named: 'revision "/abs"' },
      { repoId: 'org/model', path: '../../../../x', named: 'repo file path "../../../../x"' },
      { repoId: 'org/model', path: '/etc/passwd', named: 'repo file path "/etc/passwd"' },
      { repoId: 'org/model', path: 'onnx\\..\\..\\x', named: 'repo file path "onnx\\..\\..\\x"' },
      { repoId: 'org/model', path: '', named: 'repo file path ""' },
    ];
    const requests = await requestsDuring(async () => {
      for (const { named, ...request } of cases) {
        await expect(downloadPath({ ...request, settings: settings(cacheDir) }), named).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining(named) });
      }
    });
    expect(requests).toEqual([]);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('falls back to the cache when the hub cannot be reached, and says so when the file is not cached', async () => {
    const cacheDir = tempDir();
    const cached = await downloadPath({ repoId: 'org/model', path: 'config.json', settings: settings(cacheDir) });
    const gone = await startFakeHub({ repos: [] });
    await gone.close();
    const unreachable = settings(cacheDir, { endpoint: gone.url });
    expect(await downloadPath({ repoId: 'org/model', path: 'config.json', settings: unreachable })).toBe(cached);
    const port = new URL(gone.url).port;
    await expect(downloadPath({ repoId: 'org/model', path: 'onnx/model.onnx', settings: unreachable })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: `downloading onnx/model.onnx of org/model at revision main failed: no answer from ${gone.url}/org/model/resolve/main/onnx/model.onnx (connect ECONNREFUSED 127.0.0.1:${port}); check the network and HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use cached files`,
    });
  });

  it('stops with ABORTED when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(downloadPath({ repoId: 'org/model', path: 'config.json', settings: settings(tempDir()), signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
      message: 'downloading config.json of org/model was cancelled; the next download resumes where it stopped',
    });
  });
});
