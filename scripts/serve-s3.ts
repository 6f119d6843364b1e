// An S3-compatible server on 127.0.0.1 (s3rver, as the tests use), with a bucket, to try fleet sweeps' S3 results
// offline:
//
//   npm run serve-s3                       # prints the variables to export, serves until Ctrl-C
//   npx inferbench sweep --batch-size-list 1,2 --results s3://inferbench-fleet/run1 --shard 1/2
//
// Started with OpenSSL's legacy provider: s3rver's continuation tokens, which listings of over 1,000 keys need, are DES.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

const BUCKET = process.env['BUCKET'] ?? 'inferbench-fleet';
const directory = mkdtempSync(join(tmpdir(), 'inferbench-s3-'));
const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true });
const { port } = await server.run();
const endpoint = `http://127.0.0.1:${port}`;
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
await new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }).send(new CreateBucketCommand({ Bucket: BUCKET }));
console.log(`Serving the bucket ${BUCKET} (s3rver, in ${directory}). In another shell:`);
console.log(`  export AWS_ENDPOINT_URL_S3=${endpoint} AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1`);
console.log('Ctrl-C ends it and removes what it stored.');
process.once('SIGINT', () => void server.close().then(() => rmSync(directory, { recursive: true, force: true })).then(() => process.exit(0)));
