import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { MAX_TIMER_MS } from '../../core/clock.js';
import { InferbenchError } from '../../core/errors.js';
import { redactUrlCredentials } from '../../core/terminal-text.js';

/** Where the hub is and how to talk to it, resolved once from options and the environment. */
export interface HubSettings {
  /** Base URL of the hub, without a trailing slash, e.g. "https://huggingface.co". */
  readonly endpoint: string;
  /** Access token sent as a bearer token to the endpoint's origin only; undefined sends none. */
  readonly token: string | undefined;
  /** True when only cached files may be used: no request leaves the machine. */
  readonly offline: boolean;
  /** Absolute path of the huggingface_hub cache, shared with the Python library. */
  readonly cacheDir: string;
  /** How long the hub may take to answer a request with its headers (HF_HUB_DOWNLOAD_TIMEOUT, 10 s by default). */
  readonly responseTimeoutMs: number;
}

/** HF_HUB_DOWNLOAD_TIMEOUT (seconds) in milliseconds; 10 s as huggingface_hub when unset. */
function timeoutMs(seconds: string | undefined): number {
  if (seconds === undefined) return 10_000;
  const value = Number(seconds);
  if (!(value > 0)) throw new InferbenchError('INVALID_OPTION', `HF_HUB_DOWNLOAD_TIMEOUT must be a positive number of seconds, got "${seconds}"`);
  return value * 1000;
}

/** Values that take precedence over the environment; each omitted one comes from it. */
export interface HubSettingsOptions {
  /** Overrides HF_ENDPOINT. */
  readonly endpoint?: string;
  /** Overrides HF_TOKEN and HUGGING_FACE_HUB_TOKEN. */
  readonly token?: string;
  /** Overrides HF_HUB_OFFLINE. */
  readonly offline?: boolean;
  /** Overrides HF_HUB_CACHE, HF_HOME and XDG_CACHE_HOME. */
  readonly cacheDir?: string;
  /** Overrides HF_HUB_DOWNLOAD_TIMEOUT, in milliseconds. */
  readonly responseTimeoutMs?: number;
}

/** The public hub, used when HF_ENDPOINT is unset. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** The environment variable, or undefined when unset or empty (an empty variable means "unset" to huggingface_hub too). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** huggingface_hub's truthy spellings, case-insensitive. */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

/** Absolute path; a leading "~" is the home directory, as Python's expanduser makes it. */
function expandPath(path: string): string {
  return resolve(path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path);
}

function resolveEndpoint(value: string, source: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new InferbenchError('INVALID_OPTION', `${source} must be an http(s) URL such as ${DEFAULT_HUB_ENDPOINT}, got "${redactUrlCredentials(value)}"`);
  }
  // fetch refuses such a URL, and every message naming the endpoint would print the password.
  if (url.username !== '' || url.password !== '') {
    throw new InferbenchError('INVALID_OPTION', `${source} must not hold credentials, got "${redactUrlCredentials(value)}"; give the token in HF_TOKEN instead`);
  }
  return value.replace(/\/+$/, '');
}

/**
 * The huggingface_hub cache directory: HF_HUB_CACHE (or its older name HUGGINGFACE_HUB_CACHE), else
 * `$HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`.
 */
export function defaultHubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const hubCache = envValue(env, 'HF_HUB_CACHE') ?? envValue(env, 'HUGGINGFACE_HUB_CACHE');
  if (hubCache) return expandPath(hubCache);
  const hfHome = envValue(env, 'HF_HOME') ?? join(envValue(env, 'XDG_CACHE_HOME') ?? '~/.cache', 'huggingface');
  return join(expandPath(hfHome), 'hub');
}

/**
 * Hub settings from `options`, else the environment as huggingface_hub reads it: HF_ENDPOINT, HF_TOKEN
 * (else HUGGING_FACE_HUB_TOKEN), HF_HUB_OFFLINE ("1", "true", "yes" or "on") and the cache directory of
 * {@link defaultHubCacheDir}.
 */
export function resolveHubSettings(options: HubSettingsOptions = {}, env: NodeJS.ProcessEnv = process.env): HubSettings {
  const endpoint = options.endpoint !== undefined
    ? resolveEndpoint(options.endpoint, 'the hub endpoint')
    : resolveEndpoint(envValue(env, 'HF_ENDPOINT') ?? DEFAULT_HUB_ENDPOINT, 'HF_ENDPOINT');
  return {
    endpoint,
    token: options.token ?? envValue(env, 'HF_TOKEN') ?? envValue(env, 'HUGGING_FACE_HUB_TOKEN'),
    offline: options.offline ?? isTrue(env.HF_HUB_OFFLINE),
    cacheDir: options.cacheDir !== undefined ? expandPath(options.cacheDir) : defaultHubCacheDir(env),
    // Past the longest wait a timer allows (about 24.8 days), a limit means "wait that long": the variable is
    // shared with Python, where huge values mean "no limit", and a timer given more would fire at once.
    responseTimeoutMs: Math.min(options.responseTimeoutMs ?? timeoutMs(envValue(env, 'HF_HUB_DOWNLOAD_TIMEOUT')), MAX_TIMER_MS),
  };
}
