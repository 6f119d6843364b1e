import cliProgress from 'cli-progress';
import { monotonicNowNs } from '../clock.js';
import type { BenchmarkPhase, BenchmarkSettings } from '../pipeline/benchmark-options.js';
import type { RequestRecord } from '../load/load-generator.js';
import type { HubDownloadProgress } from '../models/hub/hub-blob-download.js';

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
  /** Prints the phase; starts the bar when measuring begins, sized by the settings. */
  onPhase(phase: BenchmarkPhase, settings: BenchmarkSettings): void;
  /** Advances the bar. */
  onRequestComplete(record: RequestRecord): void;
  /** Shows a model file downloading, a bar per file. */
  onDownloadProgress(progress: HubDownloadProgress): void;
  /** Removes the bar. */
  stop(): void;
}

/**
 * A progress bar over requests, or over time for a duration-bound run. cli-progress draws only on a
 * terminal, so logs and pipes get the phase lines alone.
 */
export function createRunProgress(stream: NodeJS.WriteStream): RunProgress {
  let bar: cliProgress.SingleBar | undefined;
  let durationMs: number | undefined;
  let requests = 0;
  let startNs = 0;
  let download: { path: string; bar: cliProgress.SingleBar } | undefined;
  return {
    onDownloadProgress({ path, downloadedBytes, totalBytes }) {
      if (download?.path !== path) {
        download?.bar.stop();
        const bar = new cliProgress.SingleBar({ stream, format: `downloading ${path} [{bar}] {value}/{total} bytes`, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(totalBytes ?? 0, 0);
        download = { path, bar };
        if (!stream.isTTY) stream.write(`downloading ${path}\n`);
      }
      download.bar.update(downloadedBytes);
      if (totalBytes !== undefined && downloadedBytes >= totalBytes) {
        download.bar.stop();
      }
    },
    onPhase(phase, settings) {
      if (phase === 'measure') {
        durationMs = settings.durationMs;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format:
              durationMs === undefined
                ? 'measuring [{bar}] {value}/{total} requests · {eta_formatted} left'
                : 'measuring [{bar}] {value}/{total} ms · {requests} requests',
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        startNs = monotonicNowNs();
        bar.start(durationMs ?? settings.requestCount ?? 0, 0, { requests });
        if (!stream.isTTY) stream.write(`${PHASE_LINES[phase]}\n`);
      } else {
        stream.write(`${PHASE_LINES[phase]}\n`);
      }
    },
    onRequestComplete(record) {
      requests++;
      const value = durationMs === undefined ? requests : Math.min(durationMs, Math.round((record.endNs - startNs) / 1e6));
      bar?.update(value, { requests });
    },
    stop() {
      bar?.stop();
      download?.bar.stop();
    },
  };
}
