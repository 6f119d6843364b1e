// The baseline of the harness benchmark: session.run in a plain loop inside one worker thread,
// with the session options inferbench's CPU backend uses, and nothing else.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '../dist/core/random.js';
import { toOrtFeeds } from '../dist/runtimes/onnxruntime/ort-tensors.js';

const { modelPath, feeds: inputs, intraOpThreads, warmupRuns, durationMs, seed } = workerData;
const session = await ort.InferenceSession.create(modelPath, {
  graphOptimizationLevel: 'disabled',
  intraOpNumThreads: intraOpThreads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  logSeverityLevel: 4,
});
const feeds = inputs.map(toOrtFeeds);
for (let i = 0; i < warmupRuns; i++) await session.run(feeds[i % feeds.length]);
const start = process.hrtime.bigint();
const deadline = start + BigInt(durationMs) * 1_000_000n;
// The same seeded choice of sample as the load generator's, so both loops run the same inputs.
const random = seededRandom(seed);
let runs = 0;
while (process.hrtime.bigint() < deadline) {
  await session.run(feeds[random.int(0, feeds.length - 1)]);
  runs++;
}
const elapsedNs = Number(process.hrtime.bigint() - start);
await session.release();
parentPort.postMessage({ runs, elapsedNs });
