import { InferbenchError, firstLine } from '../../core/errors.js';
import type { HubSettings } from './hub-settings.js';

/** The repo file a request is about, for error messages. */
export interface HubFileTarget {
  /** "org/name" or "name". */
  readonly repoId: string;
  /** Branch, tag or commit hash. */
  readonly revision: string;
  /** Path of the file inside the repo. */
  readonly path: string;
}

/** The hub's URL of a repo file: `<endpoint>/<repo>/resolve/<revision>/<path>`, quoted as huggingface_hub quotes it. */
export function hubResolveUrl(endpoint: string, target: HubFileTarget): string {
  const path = target.path.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${target.repoId}/resolve/${encodeURIComponent(target.revision)}/${path}`;
}

/** True for the statuses that carry a Location to follow. */
export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * One request that follows no redirect, so each hop decides whether the token goes along. The response
 * timeout covers the wait for the headers and then each wait for the next chunk of the body, as a read
 * timeout does in huggingface_hub: a large body may take as long as it needs while bytes keep coming, and
 * a server that stops sending mid-body fails the request instead of holding the run for minutes.
 */
export async function hubRequest(url: string, method: 'HEAD' | 'GET', settings: HubSettings, signal: AbortSignal | undefined, headers: Record<string, string> = {}): Promise<Response> {
  // The token is for the hub only: a CDN or storage host on another origin must never see it.
  const sendToken = settings.token !== undefined && new URL(url).origin === new URL(settings.endpoint).origin;
  const stalled = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const rearm = (what: string): void => {
    clearTimeout(timer);
    // Unreferenced: a body the caller cancels leaves its timer behind, and that must not hold the process open.
    timer = setTimeout(() => stalled.abort(new Error(`${what} within ${settings.responseTimeoutMs / 1000} s`)), settings.responseTimeoutMs).unref();
  };
  rearm('no response');
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, stalled.signal]) : stalled.signal,
      // Identity encoding keeps Content-Length, Range offsets and the bytes hashed equal to the stored file.
      headers: { 'Accept-Encoding': 'identity', ...headers, ...(sendToken ? { Authorization: `Bearer ${settings.token}` } : {}) },
    });
  } catch (error) {
    clearTimeout(timer);
    throw error;
  }
  if (response.body === null) {
    clearTimeout(timer);
    return response;
  }
  rearm('no data');
  // Pulled one chunk per read, so that a body failing mid-way has handed over every chunk before it (a
  // transform stream's queue would drop them with the error).
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          clearTimeout(timer);
          return controller.close();
        }
        rearm('no data');
        controller.enqueue(value);
      } catch (error) {
        clearTimeout(timer);
        controller.error(error);
      }
    },
    cancel(reason) {
      clearTimeout(timer);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * The absolute URL a redirect's Location points to. Only http(s) is followed: a hub or storage host that
 * redirects elsewhere (`file:`, `ftp:`) is refused rather than handed to fetch, which would fail obscurely.
 */
export function redirectTarget(location: string, from: string, target: HubFileTarget): string {
  const url = URL.canParse(location, from) ? new URL(location, from) : undefined;
  if (url?.protocol === 'http:' || url?.protocol === 'https:') return url.href;
  throw new InferbenchError(
    'DOWNLOAD_FAILED',
    `${from} redirected ${target.path} of ${target.repoId} to "${location}", which is not an http(s) URL; check HF_ENDPOINT`,
  );
}

/** The one-line error for an HTTP status the hub answered about `target`. */
export function hubHttpError(status: number, target: HubFileTarget, settings: HubSettings, url: string): InferbenchError {
  const file = `${target.path} of ${target.repoId} at revision ${target.revision}`;
  if (status === 404) {
    return new InferbenchError('MODEL_NOT_FOUND', `${file} not found (HTTP 404 from ${url}); check the repo id, the revision and the file name`);
  }
  if (status === 401 || status === 403) {
    const advice = settings.token === undefined
      ? 'and no token was sent; if the repo is private or gated, set HF_TOKEN to a token that can read it, else check the repo id'
      : 'although a token was sent; check that HF_TOKEN can read this repo (gated repos need access granted on their page) and that the repo id is right';
    return new InferbenchError('ACCESS_DENIED', `access to ${file} refused (HTTP ${status} from ${url}) ${advice}`);
  }
  return new InferbenchError('DOWNLOAD_FAILED', `downloading ${file} failed with HTTP ${status} from ${url}; try again later, or set HF_HUB_OFFLINE=1 to use cached files`);
}

/** The one-line error for a request that got no answer (refused, reset, cut, DNS); the cause is kept. */
export function hubNetworkError(error: unknown, target: HubFileTarget, url: string): InferbenchError {
  // fetch reports "fetch failed" or "terminated" and puts the reason (ECONNREFUSED, "other side closed") in cause.
  const reason = error instanceof Error && error.cause !== undefined ? firstLine(error.cause) : firstLine(error);
  return new InferbenchError(
    'DOWNLOAD_FAILED',
    `downloading ${target.path} of ${target.repoId} at revision ${target.revision} failed: no answer from ${url} (${reason}); check the network and HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use cached files`,
    { cause: error },
  );
}

/** The error for a download cancelled through its signal; the partial file stays for the next try. */
export function hubAbortedError(target: HubFileTarget): InferbenchError {
  return new InferbenchError('ABORTED', `downloading ${target.path} of ${target.repoId} was cancelled; the next download resumes where it stopped`);
}
