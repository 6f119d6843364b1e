import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { InferbenchError, firstLine } from '../core/errors.js';
import { awsClientConfig } from './aws-client-config.js';
import type { ResultStore } from './result-store.js';

/** Attempts of each request, transient failures (throttling, 5xx, a dropped connection) retried with backoff by the SDK. */
const MAX_ATTEMPTS = 6;
/** No request waits longer on a silent server. */
const REQUEST_TIMEOUT_MS = 60_000;

/** S3's answers to credentials that are wrong or spent: no retry will cure them. */
const CREDENTIAL_ERRORS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'TokenRefreshRequired', 'InvalidToken']);

/** The permission each operation needs, named when S3 refuses it. */
const PERMISSION = { read: 's3:GetObject', write: 's3:PutObject', list: 's3:ListBucket' } as const;

/**
 * A fleet's results in S3 or an S3-compatible store, with the region, endpoint and credentials of
 * {@link awsClientConfig}: `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` names another endpoint (MinIO, Ceph, a local
 * server), addressed path-style. Each object is one PUT: S3 never shows part of one.
 */
export class S3ResultStore implements ResultStore {
  readonly location: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #region: string;

  private constructor(location: string, client: S3Client, bucket: string, prefix: string, region: string) {
    this.location = location;
    this.#client = client;
    this.#bucket = bucket;
    this.#prefix = prefix;
    this.#region = region;
  }

  static open(location: string, env: Readonly<Record<string, string | undefined>>): S3ResultStore {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
    if (!match || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(match[1]!)) {
      throw new InferbenchError('INVALID_OPTION', `${location} is not s3://bucket/prefix with a valid bucket name (3 to 63 lower-case letters, digits, dots and hyphens)`);
    }
    const config = awsClientConfig(env, 'S3');
    const client = new S3Client({
      ...config,
      maxAttempts: MAX_ATTEMPTS,
      requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: REQUEST_TIMEOUT_MS },
      // S3-compatible stores are addressed by path: their buckets are not DNS names.
      ...(config.endpoint === undefined ? {} : { forcePathStyle: true }),
      // Checksums only where S3 requires them: S3-compatible stores do not all take the SDK's default trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const prefix = match[2]!.replace(/\/+$/, '');
    return new S3ResultStore(location, client, match[1]!, prefix === '' ? '' : `${prefix}/`, config.region);
  }

  async read(key: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    try {
      const response = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }), { abortSignal: signal });
      return Buffer.from(await response.Body!.transformToByteArray());
    } catch (error) {
      if (error instanceof S3ServiceException && error.name === 'NoSuchKey') return undefined;
      throw this.#failure(error, 'read', key);
    }
  }

  async write(key: string, body: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key, Body: body, ContentType: 'application/json' }), { abortSignal: signal });
    } catch (error) {
      throw this.#failure(error, 'write', key);
    }
  }

  async list(prefix: string, signal?: AbortSignal): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: this.#prefix + prefix, ContinuationToken: token }), { abortSignal: signal });
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key.slice(this.#prefix.length));
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (error) {
      throw this.#failure(error, 'list', prefix);
    }
    return keys;
  }

  /** One line for a failure the SDK's retries did not cure: the bucket, what was refused, and the permission. */
  #failure(error: unknown, operation: keyof typeof PERMISSION, key: string): InferbenchError {
    if (signalAborted(error)) return new InferbenchError('ABORTED', `${operation === 'list' ? 'listing' : `${operation === 'read' ? 'reading' : 'writing'} ${key} in`} ${this.location} was cancelled`, { cause: error });
    const where = `s3://${this.#bucket}/${this.#prefix}${key}`;
    if (error instanceof S3ServiceException) {
      if (error.name === 'NoSuchBucket') return new InferbenchError('INVALID_OPTION', `the bucket ${this.#bucket} does not exist (S3 NoSuchBucket); create it, or check --results and AWS_REGION`, { cause: error });
      if (error.name === 'PermanentRedirect' || error.name === 'AuthorizationHeaderMalformed') {
        return new InferbenchError('INVALID_OPTION', `the bucket ${this.#bucket} is in another region than ${this.#region} (S3 ${error.name}); set AWS_REGION to the bucket's`, { cause: error });
      }
      if (CREDENTIAL_ERRORS.has(error.name)) {
        return new InferbenchError('ACCESS_DENIED', `S3 refused the credentials to ${operation} ${where} (${error.name}); renew them, or set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`, { cause: error });
      }
      if (error.name === 'AccessDenied' || error.$metadata.httpStatusCode === 403) {
        // Without s3:ListBucket, S3 answers a read of a missing key with 403, not 404.
        const needs = operation === 'read' ? `${PERMISSION.read} (and ${PERMISSION.list}, without which a missing key is refused too)` : PERMISSION[operation];
        return new InferbenchError('ACCESS_DENIED', `S3 refused to ${operation} ${where} (AccessDenied); the credentials need ${needs} on the bucket ${this.#bucket}`, { cause: error });
      }
      return new InferbenchError('STORAGE_FAILED', `S3 failed to ${operation} ${where} after ${error.$metadata.attempts ?? 1} attempts: ${error.name} (HTTP ${error.$metadata.httpStatusCode ?? 'none'}); try again later`, { cause: error });
    }
    const name = (error as Error | undefined)?.name;
    if (name === 'CredentialsProviderError') return new InferbenchError('ACCESS_DENIED', `no AWS credentials to ${operation} ${where}: ${firstLine(error)}; set AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them`, { cause: error });
    return new InferbenchError('STORAGE_FAILED', `cannot ${operation} ${where}: ${firstLine(error)}; check the endpoint (AWS_ENDPOINT_URL_S3) and the network`, { cause: error });
  }
}

const signalAborted = (error: unknown): boolean => (error as Error | undefined)?.name === 'AbortError';
