/**
 * A ResNet-50-shaped image classifier benchmarked on real image files, as the workshop's ResNet
 * benchmark does: images decoded, resized and centre-cropped to IMAGE_SIZE (256 by default),
 * normalised with ImageNet's mean and std, laid out NCHW.
 *
 * The model has ResNet-50's architecture and random weights. By default a narrow, shallow variant
 * keeps the run short on a laptop; pass `full` for the real ResNet-50 shape (25.6 M weights).
 *
 * Run (after npm run build; or from source with node --conditions=inferbench-source --import tsx):
 *   npx tsx examples/resnet-image.ts [requests] [full]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatResultTable, runBenchmark } from 'inferbench';
import { SyntheticResnetSource } from 'inferbench/models';

const requests = Number(process.argv[2] ?? 50);
const full = process.argv[3] === 'full';
const imageSize = Number(process.env.IMAGE_SIZE ?? 256);
const cacheDir = await mkdtemp(join(tmpdir(), 'inferbench-resnet-'));
try {
  const model = new SyntheticResnetSource(full ? {} : { blocks: [1, 1, 1, 1], baseWidth: 16 });
  const result = await runBenchmark({
    model,
    imageSize,
    // The images bundled with inferbench; pass any folder of JPEG or PNG files instead.
    batchSize: 4,
    batchMode: 'distinct',
    queryCount: requests,
    clients: 2,
    cacheDir,
  });
  console.log(formatResultTable(result));

  // The test suite runs this file: a wrong result must fail it.
  const dims = Object.values(result.compile.dimensions);
  if (result.measurement.completedRequests !== requests || result.model.task !== 'image' || dims.join() !== `4,${imageSize},${imageSize}`) {
    console.error(`unexpected result: ${JSON.stringify({ completed: result.measurement.completedRequests, dims, task: result.model.task })}`);
    process.exitCode = 1;
  }
} finally {
  await rm(cacheDir, { recursive: true, force: true });
}
