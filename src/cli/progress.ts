import cliProgress from 'cli-progress';
import type { BenchmarkPhase, BenchmarkSettings } from '../options/benchmark-options.js';
import type { BenchmarkRun } from '../pipeline/benchmark-run.js';
import { formatMs, formatRate } from '../core/format.js';
import type { CliStream } from './cli-io.js';

const PHASE_LINES: Record<BenchmarkPhase, string> = {
  model: 'resolving model',
  inputs: 'preparing inputs',
  compile: 'compiling',
  load: 'loading model copies',
  warmup: 'warming up',
  measure: 'measuring',
};

/** The progress display of a run; `stop` removes it. */
export interface RunProgress {
  /** Removes the bars. */
  stop(): void;
}

/** The bar's total and unit: queries toward the count bound, or milliseconds toward the duration. */
function barScale(settings: BenchmarkSettings): { total: number; unit: 'queries' | 'ms' } {
  const byTime = settings.minDurationMs > 0 && (settings.maxDurationMs === settings.minDurationMs || settings.minQueryCount <= 1);
  return byTime ? { total: settings.minDurationMs, unit: 'ms' } : { total: settings.minQueryCount, unit: 'queries' };
}

/**
 * A progress display built on a run's events alone: phase lines, a bar per download, and a bar
 * over the measurement that moves each window with the running throughput and p99. cli-progress
 * draws only on a terminal, so logs and pipes get the phase lines alone.
 */
export function attachRunProgress(run: BenchmarkRun, output: CliStream): RunProgress {
  // cli-progress writes text and moves the cursor with ANSI codes: any stream that takes text will do.
  const stream = output as NodeJS.WritableStream & CliStream;
  let bar: cliProgress.SingleBar | undefined;
  let scale: ReturnType<typeof barScale> = { total: 0, unit: 'queries' };
  let download: { path: string; bar: cliProgress.SingleBar } | undefined;
  run.on('download', ({ path, downloadedBytes, totalBytes }) => {
    if (download?.path !== path) {
      download?.bar.stop();
      const bar = new cliProgress.SingleBar({ stream, format: `downloading ${path} [{bar}] {value}/{total} bytes`, hideCursor: true }, cliProgress.Presets.shades_classic);
      bar.start(totalBytes ?? 0, 0);
      download = { path, bar };
      if (!stream.isTTY) stream.write(`downloading ${path}\n`);
    }
    download.bar.update(downloadedBytes);
    if (totalBytes !== undefined && downloadedBytes >= totalBytes) download.bar.stop();
  });
  run.on('phase', (phase) => {
    if (phase !== 'measure' || !stream.isTTY) stream.write(`${PHASE_LINES[phase]}\n`);
  });
  run.on('start', (settings) => {
    scale = barScale(settings);
    bar?.stop();
    bar = new cliProgress.SingleBar(
      { stream, format: `measuring [{bar}] {value}/{total} ${scale.unit} · {queries} queries · {qps} q/s · p99 {p99}{state}`, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(scale.total, 0, { queries: 0, qps: '–', p99: '–', state: '' });
  });
  run.on('tick', (_window, running) => {
    const done = scale.unit === 'ms' ? running.elapsedNs / 1e6 : running.issuedQueries;
    const p99 = running.latencyPercentilesNs['99'] ?? Object.values(running.latencyPercentilesNs).at(-1);
    bar?.update(Math.min(scale.total, Math.round(done)), {
      queries: running.completedQueries,
      qps: formatRate(running.queriesPerSecond),
      p99: p99 === undefined ? '–' : formatMs(p99),
      state: done >= scale.total && !running.stability.stable ? ' · waiting for stable windows' : '',
    });
  });
  run.on('trial', (trial) => {
    bar?.stop();
    stream.write(`server trial ${formatRate(trial.rateQps)} q/s: ${trial.passed ? 'passed' : 'failed'} (p99 ${formatMs(trial.percentileNs)})\n`);
  });
  return {
    stop() {
      bar?.stop();
      download?.bar.stop();
    },
  };
}
