import { defineCommand, type ArgsDef } from 'citty';
import { runBenchmark } from '../pipeline/run-benchmark.js';
import type { BenchmarkOptions } from '../options/benchmark-options.js';
import { assertResultPathWritable, defaultResultPath } from '../reporters/json-file.js';
import { describeWrittenReport, parseReportFormats, writeReports } from '../reporters/write-reports.js';
import { abortOnSigint } from './abort-on-sigint.js';
import { colourReport } from './colour-report.js';
import { assertKnownFlags, flagValue, parseAssignments, parseDurationFlag, parseFractionFlag, parseIntegerFlag, parseNumberListFlag, parsePositiveFlag, parseScenarioFlag, refuseArguments } from './_flags.js';
import { attachRunProgress } from './progress.js';
import { runOutcome } from './run-outcome.js';

export const runArgs = {
  model: { type: 'string', alias: 'm', description: 'Model: synthetic:bert (default), synthetic:bert-base, synthetic:resnet50, an .onnx file, an export directory, or a Hugging Face Hub id org/name[@revision] [env MODEL_NAME]', valueHint: 'name|path' },
  'batch-size': { type: 'string', alias: 'b', description: 'Samples per request (default 4) [env BATCH_SIZE]', valueHint: 'n' },
  'sequence-length': { type: 'string', description: 'Tokens per text sample, max_length (default 128) [env MAX_LENGTH]', valueHint: 'n' },
  scenario: { type: 'string', alias: 's', description: 'closed (default: N clients), open (fixed rate), single-stream, multi-stream, server or offline (MLPerf scenarios)', valueHint: 'name' },
  requests: { type: 'string', alias: 'n', description: 'Exactly this many measured queries (default: at least 500 and 4 s) [env NUM_REQUESTS]', valueHint: 'n' },
  duration: { type: 'string', alias: 'd', description: 'Measure for exactly this long instead, e.g. 30s', valueHint: 'time' },
  'min-queries': { type: 'string', description: 'Fewest measured queries (default 500)', valueHint: 'n' },
  'max-queries': { type: 'string', description: 'Most measured queries', valueHint: 'n' },
  'min-duration': { type: 'string', description: 'Shortest measurement (default: 4 windows, 4s)', valueHint: 'time' },
  'max-duration': { type: 'string', description: 'Longest measurement (default none; 60s with --until-stable or --precision)', valueHint: 'time' },
  clients: { type: 'string', alias: 'c', description: 'Concurrent clients of the closed scenario (default 2) [env NUM_THREADS]', valueHint: 'n' },
  rate: { type: 'string', description: 'Queries per second of the open and server scenarios', valueHint: 'qps' },
  arrival: { type: 'enum', options: ['constant', 'poisson'], description: 'Arrivals of an open loop: constant (open default) or poisson (server default)' },
  'target-latency': { type: 'string', description: 'Server: the p99 latency to meet, e.g. 50ms', valueHint: 'time' },
  search: { type: 'boolean', description: 'Server: find the highest rate that meets --target-latency' },
  'search-trials': { type: 'string', description: 'Server runs of the --search (default 6)', valueHint: 'n' },
  'requests-per-query': { type: 'string', description: 'Requests per query of multi-stream (default 8)', valueHint: 'n' },
  copies: { type: 'string', description: 'Model copies, one worker thread each (default 1) [env NUM_MODELS]', valueHint: 'n' },
  warmup: { type: 'string', description: 'Unrecorded warm-up queries at the run\'s own load (default max(10, 2 × copies))', valueHint: 'n' },
  percentiles: { type: 'string', description: 'Latency percentiles to report (default 50,90,95,99,99.9)', valueHint: 'p,…' },
  confidence: { type: 'string', description: 'Confidence level of percentile intervals and early stopping (default 99%)', valueHint: '%' },
  precision: { type: 'string', description: 'Measure until every percentile is known to within this, e.g. 1%', valueHint: '%' },
  window: { type: 'string', description: 'Measurement window for the time series and stability (default 1s)', valueHint: 'time' },
  'window-queries': { type: 'string', description: 'Windows of this many completed queries instead of time', valueHint: 'n' },
  'stability-percentage': { type: 'string', description: 'Most the last windows may vary to count as stable (default 10)', valueHint: 'n' },
  'stability-windows': { type: 'string', description: 'Windows the stability rule compares (default 3)', valueHint: 'n' },
  'until-stable': { type: 'boolean', description: 'Measure past the minimums until stable, up to the maximums' },
  timeout: { type: 'string', description: 'Count a request still running after this long as a timeout, e.g. 2s', valueHint: 'time' },
  threshold: { type: 'string', alias: 't', description: 'Pass/fail conditions, e.g. "p95<20ms,throughput>500/s"; exit 99 when one fails', valueHint: 'expr,…' },
  'require-valid': { type: 'boolean', description: 'Exit 99 when the verdict is INVALID' },
  seed: { type: 'string', description: 'Seed of inputs and sample choice (default 1)', valueHint: 'n' },
  samples: { type: 'string', description: 'Preloaded input samples (default 10)', valueHint: 'n' },
  device: { type: 'enum', options: ['cpu', 'cuda', 'tensorrt', 'neuron'], description: 'cpu (default); cuda or tensorrt on NVIDIA GPUs; neuron on AWS Inferentia/Trainium (PyTorch models)' },
  format: { type: 'enum', options: ['torchscript', 'onnx'], description: 'For torchvision:NAME and hf:ID models: trace to torchscript (default, Python worker) or export to onnx (ONNX Runtime)' },
  'tensorrt-fp16': { type: 'boolean', description: 'With --device tensorrt, build FP16 engines (cached beside the compiled model)' },
  gpus: { type: 'string', description: 'GPUs to spread copies over, e.g. 0,1 (default: every GPU nvidia-smi lists)', valueHint: 'ids' },
  tokenizer: { type: 'string', description: "Text model's tokenizer: tokenizer.json, its directory, or bert-base-uncased (default: the model's own)", valueHint: 'path|name' },
  corpus: { type: 'string', description: 'Inputs: a text file (a sample a line) or .jsonl for text models; a folder of JPEG/PNG images for image models', valueHint: 'path' },
  padding: { type: 'enum', options: ['max_length', 'longest'], description: 'Pad texts to --sequence-length (default) or to the longest text' },
  'image-size': { type: 'string', description: "Side images are resized and centre-cropped to (default: the model's, else 256) [env IMAGE_SIZE]", valueHint: 'px' },
  'image-layout': { type: 'enum', options: ['NCHW', 'NHWC'], description: "Image tensor layout (default: from the model's input shape)" },
  'image-mean': { type: 'string', description: 'Per-channel mean on [0,1] pixels (default ImageNet 0.485,0.456,0.406)', valueHint: 'r,g,b' },
  'image-std': { type: 'string', description: 'Per-channel std (default ImageNet 0.229,0.224,0.225)', valueHint: 'r,g,b' },
  'batch-mode': { type: 'enum', options: ['repeat', 'distinct'], description: 'repeat: one input repeated across the batch, as the workshop; distinct: different inputs' },
  'threads-per-copy': { type: 'string', description: 'Intra-op threads per copy (default cores ÷ copies)', valueHint: 'n' },
  'input-names': { type: 'string', description: 'Model input names, e.g. inputIds=ids,attentionMask=mask,tokenTypeIds=types', valueHint: 'role=name,…' },
  dims: { type: 'string', description: 'Sizes of free dimensions for random inputs, e.g. height=224,width=224', valueHint: 'name=n,…' },
  'cache-dir': { type: 'string', description: 'Cache of generated and compiled models (default $XDG_CACHE_HOME/inferbench or ~/.cache/inferbench) [env INFERBENCH_CACHE_DIR]', valueHint: 'dir' },
  output: { type: 'string', alias: 'o', description: 'Where to write the JSON result (default results/<model>-<time>.json); other reports go beside it', valueHint: 'file' },
  report: { type: 'string', alias: 'r', description: 'Reports: console, json, csv, md, html, separated by commas (default console,json)', valueHint: 'formats' },
  'cost-per-hour': { type: 'string', description: 'Price of the machine per hour, for the cost of a million inferences', valueHint: 'price' },
  progress: { type: 'boolean', default: true, description: 'Show a progress bar on a terminal' },
} as const satisfies ArgsDef;

type RunFlags = { [K in keyof typeof runArgs]?: string | boolean | string[] };

/** Turns flags, falling back to the workshop's environment variables, into benchmark options. */
export function runOptionsFromFlags(flags: RunFlags, env: NodeJS.ProcessEnv): BenchmarkOptions {
  const str = (key: keyof RunFlags): string | undefined => {
    const raw = flags[key];
    // A value flag given twice arrives as an array; the last one wins, as in most CLIs.
    return flagValue(`--${key}`, Array.isArray(raw) ? raw.at(-1) : raw);
  };
  const fromEnv = (key: keyof RunFlags, variable: string): [string, string | undefined] =>
    str(key) !== undefined ? [`--${key}`, str(key)] : [variable, env[variable]];
  const int = (key: keyof RunFlags, variable?: string, min = 1): number | undefined => {
    const [label, raw] = variable ? fromEnv(key, variable) : [`--${key}`, str(key)];
    return parseIntegerFlag(label, raw, min);
  };
  const inputNames = parseAssignments('--input-names', str('input-names'));
  const scenario = parseScenarioFlag(str('scenario'));
  // The workshop's NUM_THREADS counts closed-loop clients, which other scenarios set themselves; its
  // NUM_REQUESTS, an exact count, gives way to bounds, --until-stable and --precision, which extend a run.
  const scenarioSetsLoad = scenario !== undefined && scenario !== 'closed';
  const bounded =
    ['min-queries', 'max-queries', 'min-duration', 'max-duration', 'precision'].some((k) => str(k as keyof RunFlags) !== undefined) || flags['until-stable'] === true;
  const stabilityPercentage = parsePositiveFlag('--stability-percentage', str('stability-percentage'));
  const dims = parseAssignments('--dims', str('dims'));
  return {
    model: fromEnv('model', 'MODEL_NAME')[1] || undefined,
    batchSize: int('batch-size', 'BATCH_SIZE'),
    sequenceLength: int('sequence-length', 'MAX_LENGTH'),
    scenario: parseScenarioFlag(str('scenario')),
    queryCount: str('duration') === undefined && !bounded ? int('requests', 'NUM_REQUESTS') : int('requests'),
    durationMs: parseDurationFlag('--duration', str('duration')),
    minQueryCount: int('min-queries'),
    maxQueryCount: int('max-queries'),
    minDurationMs: parseDurationFlag('--min-duration', str('min-duration')),
    maxDurationMs: parseDurationFlag('--max-duration', str('max-duration')),
    clients: scenarioSetsLoad ? int('clients') : int('clients', 'NUM_THREADS'),
    rateQps: parsePositiveFlag('--rate', str('rate')),
    arrival: str('arrival') as BenchmarkOptions['arrival'],
    targetLatencyMs: parseDurationFlag('--target-latency', str('target-latency'), { unitRequired: true }),
    searchQps: flags.search === true ? true : undefined,
    searchTrials: int('search-trials'),
    requestsPerQuery: int('requests-per-query'),
    copies: int('copies', 'NUM_MODELS'),
    warmupQueries: int('warmup', undefined, 0),
    percentiles: parseNumberListFlag('--percentiles', str('percentiles')),
    confidenceLevel: parseFractionFlag('--confidence', str('confidence')),
    precision: parseFractionFlag('--precision', str('precision')),
    windowMs: parseDurationFlag('--window', str('window')),
    windowQueries: int('window-queries'),
    stabilityMaxRatio: stabilityPercentage === undefined ? undefined : 1 + stabilityPercentage / 100,
    stabilityWindows: int('stability-windows', undefined, 2),
    untilStable: flags['until-stable'] === true ? true : undefined,
    requestTimeoutMs: parseDurationFlag('--timeout', str('timeout')),
    costPerHour: parsePositiveFlag('--cost-per-hour', str('cost-per-hour')),
    thresholds: [flags.threshold ?? []].flat().flatMap((t) => (typeof t === 'string' ? [flagValue('--threshold', t)!] : [])),
    seed: int('seed', undefined, 0),
    inputCount: int('samples'),
    batchMode: str('batch-mode') as BenchmarkOptions['batchMode'],
    intraOpThreadsPerCopy: int('threads-per-copy'),
    inputNames,
    dimensions: dims && Object.fromEntries(Object.entries(dims).map(([k, v]) => [k, parseIntegerFlag(`--dims ${k}`, v, 1)!])),
    cacheDir: str('cache-dir'),
    device: str('device') as BenchmarkOptions['device'],
    artifactFormat: str('format') as BenchmarkOptions['artifactFormat'],
    deviceIds: parseNumberListFlag('--gpus', str('gpus')),
    tensorrtFp16: flags['tensorrt-fp16'] === true ? true : undefined,
    tokenizer: str('tokenizer'),
    corpus: str('corpus'),
    padding: str('padding') as BenchmarkOptions['padding'],
    imageSize: int('image-size', 'IMAGE_SIZE'),
    imageLayout: str('image-layout') as BenchmarkOptions['imageLayout'],
    imageMean: parseNumberListFlag('--image-mean', str('image-mean')),
    imageStd: parseNumberListFlag('--image-std', str('image-std')),
  };
}

/** `inferbench run`: the workshop benchmark on one model. */
export const runCommand = defineCommand({
  meta: { name: 'run', description: 'Benchmark a model: compile for one batch size, load copies, drive concurrent clients, report latency and throughput' },
  args: runArgs,
  async run({ args, rawArgs }) {
    assertKnownFlags('run', rawArgs, runArgs);
    const options = runOptionsFromFlags(args, process.env);
    refuseArguments('run', args._);
    const output = typeof args.output === 'string' ? args.output : undefined;
    const formats = parseReportFormats(flagValue('--report', args.report) ?? 'console,json');
    // Checked before measuring, so that no run is lost to a path it cannot write.
    await assertResultPathWritable(output);
    const result = await abortOnSigint(async (signal) => {
      const run = runBenchmark({ ...options, signal });
      const progress = args.progress ? attachRunProgress(run, process.stderr) : undefined;
      try {
        return await run;
      } finally {
        progress?.stop();
      }
    });
    const written = await writeReports(
      { results: [result] },
      { formats, path: output ?? defaultResultPath(result), printConsole: (text) => process.stdout.write(`${colourReport(text)}\n`) },
    );
    for (const report of written) process.stdout.write(`${describeWrittenReport(report)}\n`);
    const outcome = runOutcome(result, args['require-valid'] === true);
    if (outcome.message !== undefined) process.stderr.write(`inferbench: ${outcome.message}\n`);
    return outcome.exitCode;
  },
});
