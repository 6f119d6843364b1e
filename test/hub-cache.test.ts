import { mkdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hubRepoCacheDir, linkHubSnapshotFile, lookupHubCache } from '../src/models/hub/hub-cache.js';
import { parseRepoSpec, validateRepoFilePath, validateRepoId, validateRevision } from '../src/models/hub/hub-repo.js';
import { resolveHubSettings } from '../src/models/hub/hub-settings.js';
import { tempDir } from './helpers/fixtures.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

describe('resolveHubSettings', () => {
  it('takes the cache from HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub', () => {
    expect(resolveHubSettings({}, { HF_HUB_CACHE: '/data/hub', HF_HOME: '/data/hf', XDG_CACHE_HOME: '/x' }).cacheDir).toBe('/data/hub');
    expect(resolveHubSettings({}, { HUGGINGFACE_HUB_CACHE: '/old/hub', HF_HOME: '/data/hf' }).cacheDir).toBe('/old/hub');
    expect(resolveHubSettings({}, { HF_HOME: '/data/hf', XDG_CACHE_HOME: '/x' }).cacheDir).toBe('/data/hf/hub');
    expect(resolveHubSettings({}, { XDG_CACHE_HOME: '/x' }).cacheDir).toBe('/x/huggingface/hub');
    expect(resolveHubSettings({}, {}).cacheDir).toBe(join(homedir(), '.cache', 'huggingface', 'hub'));
    expect(resolveHubSettings({}, { HF_HOME: '~/hf', HF_HUB_CACHE: '' }).cacheDir).toBe(join(homedir(), 'hf', 'hub'));
    expect(resolveHubSettings({ cacheDir: '/opt/cache' }, { HF_HUB_CACHE: '/data/hub' }).cacheDir).toBe('/opt/cache');
  });

  it('reads the endpoint, the token and offline mode as huggingface_hub does', () => {
    expect(resolveHubSettings({}, {})).toMatchObject({ endpoint: 'https://huggingface.co', token: undefined, offline: false });
    expect(resolveHubSettings({}, { HF_ENDPOINT: 'https://hf-mirror.example/' }).endpoint).toBe('https://hf-mirror.example');
    expect(resolveHubSettings({}, { HF_TOKEN: 'hf_a', HUGGING_FACE_HUB_TOKEN: 'hf_b' }).token).toBe('hf_a');
    expect(resolveHubSettings({}, { HUGGING_FACE_HUB_TOKEN: 'hf_b' }).token).toBe('hf_b');
    expect(resolveHubSettings({ token: 'hf_c' }, { HF_TOKEN: 'hf_a' }).token).toBe('hf_c');
    const offline = ['1', 'true', 'YES', 'on', '0', 'false', 'no', ''].map((value) => resolveHubSettings({}, { HF_HUB_OFFLINE: value }).offline);
    expect(offline).toEqual([true, true, true, true, false, false, false, false]);
    expect(resolveHubSettings({ offline: false }, { HF_HUB_OFFLINE: '1' }).offline).toBe(false);
  });

  it('refuses an endpoint that is not an http(s) URL, naming it', () => {
    expect(() => resolveHubSettings({}, { HF_ENDPOINT: 'huggingface.co' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: 'HF_ENDPOINT must be an http(s) URL such as https://huggingface.co, got "huggingface.co"' }),
    );
  });
});

describe('repo ids, revisions and file paths', () => {
  it('accepts what the hub accepts', () => {
    for (const id of ['bert-base-uncased', 'Xenova/all-MiniLM-L6-v2', 'org_1/model.v2', 'a/b', 'x'.repeat(96)]) expect(validateRepoId(id)).toBe(id);
    for (const revision of ['main', 'v1.0', 'refs/pr/1', COMMIT]) expect(validateRevision(revision)).toBe(revision);
    for (const path of ['model.onnx', 'onnx/model_quantized.onnx', '.gitattributes', 'a..b/c']) expect(validateRepoFilePath(path)).toBe(path);
  });

  it('refuses repo ids huggingface_hub refuses, naming them', () => {
    for (const id of ['', 'a/b/c', '../x', '-a/b', 'a/b.', 'a..b', 'a--b', 'org/na me', 'org/model.git', 'x'.repeat(97), '/abs', 'a\\b']) {
      expect(() => validateRepoId(id), id).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(`repo id "${id}"`) }));
    }
  });

  it('refuses revisions and file paths that would leave their directory, naming them', () => {
    for (const revision of ['', '../../etc', '/abs', 'a\\b', 'a//b', './x', 'main\n']) {
      expect(() => validateRevision(revision), revision).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(`revision "${revision}"`) }));
    }
    for (const path of ['', '../x', 'onnx/../../x', '/etc/passwd', 'C:/x', 'a\\..\\b', 'a//b', './a', 'a/']) {
      expect(() => validateRepoFilePath(path), path).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(`repo file path "${path}"`) }));
    }
  });

  it('parses "org/name@revision", main by default', () => {
    expect(parseRepoSpec('org/name@v2')).toEqual({ repoId: 'org/name', revision: 'v2' });
    expect(parseRepoSpec(`gpt2@${COMMIT}`)).toEqual({ repoId: 'gpt2', revision: COMMIT });
    expect(parseRepoSpec('org/name')).toEqual({ repoId: 'org/name', revision: 'main' });
    expect(() => parseRepoSpec('org/name@')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('revision ""') }));
    expect(() => parseRepoSpec('../x@main')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('repo id "../x"') }));
  });
});

describe('cache layout', () => {
  const cacheDir = tempDir();

  it('names repo folders as huggingface_hub does', () => {
    expect(hubRepoCacheDir('/c', 'org/name')).toBe('/c/models--org--name');
    expect(hubRepoCacheDir('/c', 'gpt2')).toBe('/c/models--gpt2');
  });

  it('links snapshot files relatively to their blob', async () => {
    const repoDir = hubRepoCacheDir(cacheDir, 'org/linked');
    mkdirSync(join(repoDir, 'blobs'), { recursive: true });
    writeFileSync(join(repoDir, 'blobs', 'e1'), 'bytes');
    const nested = join(repoDir, 'snapshots', COMMIT, 'onnx', 'model.onnx');
    await linkHubSnapshotFile(join(repoDir, 'blobs', 'e1'), nested);
    await linkHubSnapshotFile(join(repoDir, 'blobs', 'e1'), nested);
    expect(readlinkSync(nested)).toBe('../../../blobs/e1');
  });

  it('finds a file through refs, says which entry is missing, and ignores a link whose blob is gone', async () => {
    const repoDir = hubRepoCacheDir(cacheDir, 'org/looked-up');
    const snapshot = join(repoDir, 'snapshots', COMMIT);
    mkdirSync(join(repoDir, 'refs'), { recursive: true });
    mkdirSync(join(repoDir, 'blobs'), { recursive: true });
    mkdirSync(snapshot, { recursive: true });
    writeFileSync(join(repoDir, 'refs', 'main'), COMMIT);
    writeFileSync(join(repoDir, 'blobs', 'e1'), 'bytes');
    symlinkSync('../../blobs/e1', join(snapshot, 'model.onnx'));
    symlinkSync('../../blobs/gone', join(snapshot, 'dangling.onnx'));
    const query = { cacheDir, repoId: 'org/looked-up', path: 'model.onnx' };
    expect(await lookupHubCache({ ...query, revision: 'main' })).toEqual({ found: true, path: join(snapshot, 'model.onnx'), commit: COMMIT });
    expect(await lookupHubCache({ ...query, revision: COMMIT })).toEqual({ found: true, path: join(snapshot, 'model.onnx'), commit: COMMIT });
    expect(await lookupHubCache({ ...query, revision: 'v2' })).toEqual({ found: false, missingPath: join(repoDir, 'refs', 'v2') });
    expect(await lookupHubCache({ ...query, revision: 'main', path: 'dangling.onnx' })).toEqual({ found: false, missingPath: join(snapshot, 'dangling.onnx') });
  });
});
