// Loads a traced TorchScript model into one Python worker and drives it with 20 closed-loop requests; prints one line,
// starting "ok " when every request completed with a compute time. Run by scripts/device-check.sh; on the CPU too:
//
//   node scripts/device-check-python.mjs MODEL.pt PYTHON HALF(0|1) [DEVICE, default cuda]
import { PythonBackend } from '../dist/entry/backends.js';
import { ClosedLoopLoadGenerator } from '../dist/entry/load.js';

const [modelPath, python, half, device = 'cuda'] = process.argv.slice(2);
const size = 2 * 3 * 224 * 224;
const feeds = Array.from({ length: 4 }, (_, s) => ({
  input: { type: 'float32', dims: [2, 3, 224, 224], data: Float32Array.from({ length: size }, (_, i) => Math.sin(i + s)) },
}));
// One line on stderr for a failure, which the FAIL line quotes.
process.on('uncaughtException', (error) => {
  console.error(String(error?.message ?? error).split('\n')[0]);
  process.exit(1);
});
const backend = new PythonBackend({ device, format: 'torchscript', halfPrecision: half === '1', pythonPath: python, requestTimeoutMs: 60000 });
const loaded = await backend.load({ artifact: { path: modelPath, format: 'torchscript', device, batchSize: 2 }, inputs: { feeds, batchSize: 2, description: 'device check' }, copies: 1 });
try {
  const result = await new ClosedLoopLoadGenerator({ clients: 2, queryCount: 20, warmupQueries: 4 }).run({ copies: loaded.copies, inputCount: feeds.length });
  const ms = (ns) => `${(ns / 1e6).toFixed(2)} ms`;
  const perSecond = (result.completedRequests * 1e9) / result.elapsedNs;
  const ok = result.completedRequests === 20 && result.compute.valueAtPercentileNs(50) > 0;
  console.log(
    `${ok ? 'ok ' : ''}${result.completedRequests} requests, ${perSecond.toFixed(1)} requests/s, ${(perSecond * 2).toFixed(1)} samples/s, latency p50 ${ms(result.latency.valueAtPercentileNs(50))}, compute p50 ${ms(result.compute.valueAtPercentileNs(50))}, torch ${loaded.effectiveSettings.torchVersion}, halfPrecision ${loaded.effectiveSettings.halfPrecision}`,
  );
} finally {
  await loaded.close();
}
