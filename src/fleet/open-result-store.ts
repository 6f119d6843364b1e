import { InferbenchError } from '../core/errors.js';
import type { ResultStore } from './result-store.js';

/** Where a location spec points: `s3://bucket/prefix` or a folder. */
export async function openResultStore(location: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<ResultStore> {
  if (location === '') throw new InferbenchError('INVALID_OPTION', '--results is empty; give a folder every machine can reach, or s3://bucket/prefix');
  if (location.startsWith('s3://')) {
    // The AWS SDK is loaded only by a sweep that stores its results in S3.
    const { S3ResultStore } = await import('./s3-store.js');
    return S3ResultStore.open(location, env);
  }
  const { FolderResultStore } = await import('./folder-store.js');
  return new FolderResultStore(location);
}
