import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** An LFS (or Xet) etag is the SHA-256 of the file. */
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** A file kept in git has its git blob hash as etag: SHA-1 of `blob <size>\0` and the bytes. */
const GIT_BLOB_SHA1_HEX = /^[0-9a-f]{40}$/;

/**
 * What is wrong with the file at `path` as the blob named `etag` of `sizeBytes` bytes, or undefined when it
 * is whole. The bytes are read back from disk, so whatever wrote them (a resumed try, another process,
 * a truncating disk), the file is judged as it will be used. An etag of another form is checked by size only.
 */
export async function blobProblem(path: string, etag: string, sizeBytes: number | undefined): Promise<string | undefined> {
  const actualBytes = (await stat(path)).size;
  if (sizeBytes !== undefined && actualBytes !== sizeBytes) return `it has ${actualBytes} bytes, the hub announced ${sizeBytes}`;
  const gitBlob = GIT_BLOB_SHA1_HEX.test(etag);
  if (!gitBlob && !SHA256_HEX.test(etag)) return undefined;
  const hash = createHash(gitBlob ? 'sha1' : 'sha256');
  if (gitBlob) hash.update(`blob ${actualBytes}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const actual = hash.digest('hex');
  if (actual === etag) return undefined;
  return gitBlob ? `expected git blob hash ${etag}, got ${actual}` : `expected SHA-256 ${etag}, got ${actual}`;
}
