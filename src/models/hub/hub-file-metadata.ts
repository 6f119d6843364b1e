import { InferbenchError } from '../../core/errors.js';
import { isCommitHash } from './hub-cache.js';
import { type HubFileTarget, hubAbortedError, hubHttpError, hubNetworkError, hubRequest, hubResolveUrl, isRedirect, redirectTarget } from './hub-http.js';
import type { HubSettings } from './hub-settings.js';

/** What the hub says about a repo file before any byte is downloaded. */
export interface HubFileMetadata {
  /** Commit the revision resolves to (X-Repo-Commit). */
  readonly commit: string;
  /** Blob name in the cache: the LFS SHA-256 (X-Linked-Etag) or the git blob hash (ETag), unquoted. */
  readonly etag: string;
  /** File size from X-Linked-Size or Content-Length; undefined when the hub sent neither. */
  readonly sizeBytes: number | undefined;
  /** Where the bytes are: the resolve URL, or the CDN or storage URL the hub redirected to. */
  readonly downloadUrl: string;
}

/** How asking the hub about a file went. */
export type HubFileMetadataResult =
  | {
      /** The hub answered with the file's metadata. */
      readonly ok: true;
      /** The metadata. */
      readonly metadata: HubFileMetadata;
    }
  | {
      /** The hub could not be asked or refused. */
      readonly ok: false;
      /** The one-line error to throw when the file is not cached either. */
      readonly error: InferbenchError;
      /** False when the hub said the file does not exist (404), so an older cached copy must not stand in for it. */
      readonly cacheMayAnswer: boolean;
    };

/** Renamed repos chain a few relative redirects at most; more is a loop. */
const MAX_RELATIVE_REDIRECTS = 10;

/** An etag is used as a file name in `blobs/`, so it must be one plain name. */
const SAFE_ETAG = /^[A-Za-z0-9_.+=-]+$/;

/** The etag without the weak marker and quotes, as huggingface_hub normalizes it. */
function normalizeEtag(etag: string | null): string | undefined {
  if (etag === null) return undefined;
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}

function parseSize(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** huggingface_hub follows a Location without scheme and host only: that is how the hub answers for a renamed repo. */
function isRelativeLocation(location: string): boolean {
  return !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(location) && !location.startsWith('//');
}

function notAHub(target: HubFileTarget, url: string, missing: string): HubFileMetadataResult {
  const error = new InferbenchError(
    'DOWNLOAD_FAILED',
    `${url} answered for ${target.path} of ${target.repoId} without ${missing}, so it is not a Hugging Face hub; check HF_ENDPOINT`,
  );
  return { ok: false, error, cacheMayAnswer: true };
}

/**
 * HEAD of the file's resolve URL, as huggingface_hub's get_hf_file_metadata: relative redirects are followed,
 * a redirect to another host (the LFS storage) is not, its headers describe the file.
 */
export async function fetchHubFileMetadata(target: HubFileTarget, settings: HubSettings, signal: AbortSignal | undefined): Promise<HubFileMetadataResult> {
  let url = hubResolveUrl(settings.endpoint, target);
  for (let hops = 0; ; hops++) {
    let response: Response;
    try {
      response = await hubRequest(url, 'HEAD', settings, signal);
    } catch (error) {
      if (signal?.aborted) throw hubAbortedError(target);
      return { ok: false, error: hubNetworkError(error, target, url), cacheMayAnswer: true };
    }
    const location = response.headers.get('location');
    const redirected = isRedirect(response.status) && location !== null;
    if (redirected && isRelativeLocation(location)) {
      if (hops === MAX_RELATIVE_REDIRECTS) {
        const error = new InferbenchError('DOWNLOAD_FAILED', `${hubResolveUrl(settings.endpoint, target)} redirected more than ${MAX_RELATIVE_REDIRECTS} times; check the repo id and HF_ENDPOINT`);
        return { ok: false, error, cacheMayAnswer: true };
      }
      url = new URL(location, url).href;
      continue;
    }
    if (!response.ok && !redirected) {
      return { ok: false, error: hubHttpError(response.status, target, settings, url), cacheMayAnswer: response.status !== 404 };
    }
    const commit = response.headers.get('x-repo-commit');
    if (commit === null || !isCommitHash(commit)) return notAHub(target, url, 'a commit hash in X-Repo-Commit');
    const etag = normalizeEtag(response.headers.get('x-linked-etag') ?? response.headers.get('etag'));
    if (etag === undefined || !SAFE_ETAG.test(etag) || etag === '.' || etag === '..') return notAHub(target, url, 'a usable ETag');
    return {
      ok: true,
      metadata: {
        commit,
        etag,
        sizeBytes: parseSize(response.headers.get('x-linked-size') ?? response.headers.get('content-length')),
        downloadUrl: redirected ? redirectTarget(location, url, target) : url,
      },
    };
  }
}
