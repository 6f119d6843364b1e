import { createHash } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import { seededRandom } from '../../src/core/random.js';

/** One file of a fake repo. */
export interface FakeHubFile {
  /** Path inside the repo, e.g. "onnx/model.onnx". */
  readonly path: string;
  /** Bytes served. */
  readonly content: string | Uint8Array;
  /** Served as an LFS file: the resolve URL answers 302 to `/lfs/<sha256>`. */
  readonly lfs?: boolean;
}

/** A repo the fake hub serves. */
export interface FakeHubRepo {
  /** "org/name" or "name". */
  readonly id: string;
  /** 40-hex commit that "main" points to; the only revisions served are "main" and this. */
  readonly commit: string;
  /** Files of the repo. */
  readonly files: readonly FakeHubFile[];
  /** Answers 401 unless the request carries the hub's token. */
  readonly private?: boolean;
  /** The repo was renamed: every resolve URL answers 307 to the same URL of this repo, as a relative Location. */
  readonly renamedTo?: string;
  /** A hub in trouble: every resolve URL of the repo answers this HTTP status, or never sends its headers. */
  readonly failsWith?: number | 'no-answer';
}

/** How to start a fake hub. */
export interface FakeHubOptions {
  /** Repos served; LFS bytes under `/lfs/<sha256>` are served for all of them. */
  readonly repos: readonly FakeHubRepo[];
  /** The bearer token private repos accept. */
  readonly token?: string;
  /** Origin the LFS redirects point to (another fake hub, to test cross-origin redirects); default this server. */
  readonly lfsOrigin?: string;
}

/** One request the fake hub received. */
export interface FakeHubRequest {
  /** "GET" or "HEAD". */
  readonly method: string;
  /** URL path, still percent-encoded. */
  readonly path: string;
  /** Authorization header, if any. */
  readonly authorization: string | undefined;
  /** Range header, if any. */
  readonly range: string | undefined;
}

/** A running fake hub on 127.0.0.1. */
export interface FakeHub {
  /** Origin, e.g. "http://127.0.0.1:40123". */
  readonly url: string;
  /** Every request received, oldest first. */
  readonly requests: FakeHubRequest[];
  /** Requests to `path`, optionally of one method. */
  requestsTo(path: string, method?: string): FakeHubRequest[];
  /** Serves the LFS bytes at `path` with the first byte flipped, on every request. */
  corrupt(path: string): void;
  /** Cuts the next body served at `path` after `afterBytes` bytes by closing the socket. */
  cutOnce(path: string, afterBytes: number): void;
  /** Sends `afterBytes` bytes of the next body served at `path`, then nothing more while keeping the connection open. */
  stallOnce(path: string, afterBytes: number): void;
  /** Once a request to `path` is answered, "main" of `next.id` moves to `next`; the old commit stays served by its hash. */
  pushAfter(path: string, next: FakeHubRepo): void;
  /** Stops the server. */
  close(): Promise<void>;
}

/** `sizeBytes` seeded random bytes: a file to serve whose corruption any hash would see. */
export function randomBytes(sizeBytes: number, seed: number): Buffer {
  const random = seededRandom(seed);
  return Buffer.from(Array.from({ length: sizeBytes }, () => random.int(0, 255)));
}

/** Hex SHA-256, the LFS etag of `content`. */
export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The git blob hash of `content`, the ETag the hub sends for a file stored in git. */
export function gitBlobSha1(content: string | Uint8Array): string {
  const bytes = Buffer.from(content);
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/** The LFS pointer file git stores in place of an LFS file. */
function lfsPointer(content: string | Uint8Array): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256Hex(content)}\nsize ${Buffer.from(content).byteLength}\n`;
}

const RESOLVE_PATH = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/;

/** Starts a fake hub on 127.0.0.1 and a free port; it is closed after the test file. */
export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const hub = await serveFakeHub(options);
  afterAll(hub.close);
  return hub;
}

/** Starts a fake hub on 127.0.0.1 and a free port, outside a test file (the bench): the caller closes it. */
export async function serveFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const requests: FakeHubRequest[] = [];
  const corrupted = new Set<string>();
  const cuts = new Map<string, number>();
  const stalls = new Map<string, number>();
  const pushes = new Map<string, FakeHubRepo>();
  // Every commit of each repo, newest first: "main" is the first.
  const versions = new Map<string, FakeHubRepo[]>();
  const addVersion = (repo: FakeHubRepo): void => void versions.set(repo.id, [repo, ...(versions.get(repo.id) ?? [])]);
  const lfsBlobs = new Map<string, Buffer>();
  const addLfsBlobs = (repo: FakeHubRepo): void => {
    for (const file of repo.files) if (file.lfs) lfsBlobs.set(sha256Hex(file.content), Buffer.from(file.content));
  };
  for (const repo of options.repos) {
    addVersion(repo);
    addLfsBlobs(repo);
  }
  let origin = '';

  function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
    const path = new URL(req.url ?? '/', origin).pathname;
    let served = body;
    if (corrupted.has(path) && served.byteLength > 0) {
      served = Buffer.from(served);
      served[0] = (served[0] ?? 0) ^ 0xff;
    }
    res.writeHead(status, { 'Content-Length': String(served.byteLength), ...headers });
    if (req.method === 'HEAD') return void res.end();
    const stallAfter = stalls.get(path);
    if (stallAfter !== undefined) {
      stalls.delete(path);
      return void res.write(served.subarray(0, stallAfter));
    }
    const cutAfter = cuts.get(path);
    if (cutAfter === undefined) return void res.end(served);
    cuts.delete(path);
    res.write(served.subarray(0, cutAfter), () => res.socket?.destroy());
  }

  function serveLfs(req: IncomingMessage, res: ServerResponse, sha: string): void {
    const blob = lfsBlobs.get(sha);
    if (blob === undefined) return send(req, res, 404, {}, Buffer.from('Not found'));
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range === null) return send(req, res, 200, { ETag: `"${sha}"` }, blob);
    const start = Number(range[1]);
    if (start >= blob.byteLength) return send(req, res, 416, { 'Content-Range': `bytes */${blob.byteLength}` }, Buffer.alloc(0));
    send(req, res, 206, { 'Content-Range': `bytes ${start}-${blob.byteLength - 1}/${blob.byteLength}` }, blob.subarray(start));
  }

  function serveResolve(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): void {
    const [, repoId = '', rawRevision = '', rawPath = ''] = match;
    const revision = decodeURIComponent(rawRevision);
    const history = versions.get(repoId) ?? [];
    const repo = revision === 'main' ? history[0] : history.find((candidate) => candidate.commit === revision) ?? history[0];
    if (repo === undefined) return send(req, res, 404, { 'X-Error-Code': 'RepoNotFound' }, Buffer.from('Repository not found'));
    if (repo.failsWith === 'no-answer') return;
    if (repo.failsWith !== undefined) return send(req, res, repo.failsWith, {}, Buffer.from('Internal Error'));
    if (repo.private && req.headers.authorization !== `Bearer ${options.token}`) {
      return send(req, res, 401, { 'X-Error-Code': 'RepoNotFound' }, Buffer.from('Invalid credentials'));
    }
    if (repo.renamedTo !== undefined) return send(req, res, 307, { Location: `/${repo.renamedTo}/resolve/${rawRevision}/${rawPath}` }, Buffer.alloc(0));
    if (revision !== 'main' && revision !== repo.commit) return send(req, res, 404, { 'X-Error-Code': 'RevisionNotFound' }, Buffer.from('Invalid rev id'));
    const filePath = rawPath.split('/').map(decodeURIComponent).join('/');
    const file = repo.files.find((candidate) => candidate.path === filePath);
    if (file === undefined) return send(req, res, 404, { 'X-Error-Code': 'EntryNotFound', 'X-Repo-Commit': repo.commit }, Buffer.from('Entry not found'));
    const content = Buffer.from(file.content);
    if (!file.lfs) {
      // Like the hub for files in git, Range is ignored here, which tests a restart from byte 0.
      return send(req, res, 200, { ETag: `"${gitBlobSha1(content)}"`, 'X-Repo-Commit': repo.commit }, content);
    }
    const sha = sha256Hex(content);
    const pointer = Buffer.from(lfsPointer(content));
    send(req, res, 302, {
      Location: `${options.lfsOrigin ?? origin}/lfs/${sha}`,
      ETag: `"${gitBlobSha1(pointer)}"`,
      'X-Linked-Etag': `"${sha}"`,
      'X-Linked-Size': String(content.byteLength),
      'X-Repo-Commit': repo.commit,
    }, Buffer.alloc(0));
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, range: req.headers.range });
    const push = pushes.get(path);
    if (push !== undefined) {
      pushes.delete(path);
      res.once('finish', () => {
        addVersion(push);
        addLfsBlobs(push);
      });
    }
    const lfs = /^\/lfs\/([0-9a-f]{64})$/.exec(path);
    if (lfs !== null) return serveLfs(req, res, lfs[1] ?? '');
    const resolve = RESOLVE_PATH.exec(path);
    if (resolve !== null) return serveResolve(req, res, resolve);
    send(req, res, 404, {}, Buffer.from('Not found'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = (): Promise<void> => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return {
    url: origin,
    requests,
    requestsTo: (path, method) => requests.filter((request) => request.path === path && (method === undefined || request.method === method)),
    corrupt: (path) => void corrupted.add(path),
    cutOnce: (path, afterBytes) => void cuts.set(path, afterBytes),
    stallOnce: (path, afterBytes) => void stalls.set(path, afterBytes),
    pushAfter: (path, next) => void pushes.set(path, next),
    close,
  };
}
