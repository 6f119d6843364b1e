import cliProgress from 'cli-progress';
import type { BenchmarkPhase } from '../pipeline/benchmark-options.js';
import type { RequestRecord } from '../load/load-generator.js';

const PHASE_LINES: Record<BenchmarkPhase, string> = {
  model: 'resolving model',
  inputs: 'preparing inputs',
  compile: 'compiling',
  load: 'loading model copies',
  warmup: 'warming up',
  measure: 'measuring',
};

/** What the run command shows on stderr while a benchmark runs. */
export interface RunProgress {
  /** Prints the phase; starts the bar when measuring begins. */
  onPhase(phase: BenchmarkPhase): void;
  /** Advances the bar. */
  onRequestComplete(record: RequestRecord): void;
  /** Removes the bar. */
  stop(): void;
}

/**
 * A progress bar over requests, or over time for a duration-bound run. cli-progress draws only on a
 * terminal, so logs and pipes get the phase lines alone.
 */
export function createRunProgress(stream: NodeJS.WriteStream, total: { requests?: number; durationMs?: number }): RunProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: total.requests === undefined ? 'measuring [{bar}] {value}/{total} ms · {requests} requests' : 'measuring [{bar}] {value}/{total} requests · {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let requests = 0;
  let startNs = 0;
  return {
    onPhase(phase) {
      if (phase === 'measure') {
        startNs = Number(process.hrtime.bigint());
        bar.start(total.requests ?? total.durationMs ?? 0, 0, { requests });
        if (!stream.isTTY) stream.write(`${PHASE_LINES[phase]}\n`);
      } else {
        stream.write(`${PHASE_LINES[phase]}\n`);
      }
    },
    onRequestComplete(record) {
      requests++;
      const value = total.requests === undefined ? Math.min(total.durationMs ?? 0, Math.round((record.endNs - startNs) / 1e6)) : requests;
      bar.update(value, { requests });
    },
    stop() {
      bar.stop();
    },
  };
}
