/**
 * Where a fleet's shards put their results and collect reads them: a folder every machine mounts (EFS, a PVC, NFS) or
 * an S3 bucket. Keys are `/`-separated paths under the location. An object is written whole or not at all, so a
 * reader never sees part of one.
 */
export interface ResultStore {
  /** The location as the user wrote it, for messages: a folder or `s3://bucket/prefix`. */
  readonly location: string;
  /** The object's bytes, undefined when there is none. */
  read(key: string, signal?: AbortSignal): Promise<Buffer | undefined>;
  /** Writes the object whole, replacing any of the same key. */
  write(key: string, body: string, signal?: AbortSignal): Promise<void>;
  /** Every key under `prefix` (`''` for all), in no particular order. */
  list(prefix: string, signal?: AbortSignal): Promise<string[]>;
}

/** Where `key` of `store` is, for messages: `s3://bucket/prefix/key` or the folder's path. */
export const storedLocation = (store: ResultStore, key: string): string => `${store.location.replace(/\/$/, '')}/${key}`;
