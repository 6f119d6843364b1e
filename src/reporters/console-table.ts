import Table from 'cli-table3';
import type { BenchmarkResult } from '../results/benchmark-result.js';
import type { LatencySummary } from '../stats/latency-histogram.js';
import { formatThresholdValue } from '../stats/thresholds.js';
import { describeLoad } from './describe-load.js';
import { formatEfficiency } from './format-efficiency.js';
import { formatMs, formatPercent, formatRate } from '../core/format.js';

function latencyRow(label: string, summary: LatencySummary): string[] {
  return [label, ...Object.values(summary.percentilesNs).map(formatMs), formatMs(summary.meanNs), formatMs(summary.minNs), formatMs(summary.maxNs)];
}


/** The result as aligned lines: settings, a latency table with confidence, throughput, checks and the verdict. No colour. */
export function formatResultTable(result: BenchmarkResult): string {
  const { settings, measurement: m, backend, verdict } = result;
  const threads = backend.effectiveSettings.intraOpThreadsPerCopy;
  const load = describeLoad(result);
  const first = m.firstInference;
  const lines = [
    `model    ${result.model.name}`,
    `config   batch ${settings.batchSize}${result.model.task === 'text' ? ` · sequence ${settings.sequenceLength}` : ''} · ${backend.copies} ${backend.copies === 1 ? 'copy' : 'copies'} · ${backend.name}${threads === undefined ? '' : ` (${threads} threads per copy)`}`,
    `scenario ${m.scenario} · ${load}${settings.requestsPerQuery > 1 ? ` · ${settings.requestsPerQuery} requests a query` : ''} · ${m.completedQueries} queries in ${(m.elapsedNs / 1e9).toFixed(2)} s after ${m.warmupQueries} warm-up · stop: ${m.stopReason}`,
    `setup    compile ${result.compile.cacheHit ? 'cached' : formatMs(result.compile.compileNs)} · max |Δ| ${result.compile.maxAbsDifference.toExponential(2)} · load ${formatMs(backend.loadNs)} · first inference ${formatMs(Math.max(...first.latencyNs))} (compute ${formatMs(Math.max(...first.computeNs))})`,
  ];
  const table = new Table({
    head: ['', ...Object.keys(m.latency.percentilesNs).map((p) => `p${p}`), 'mean', 'min', 'max'],
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const confidence = `±${(m.confidenceLevel * 100).toFixed(0)}% CI`;
  table.push(
    latencyRow('latency', m.latency),
    [confidence, ...m.latencyIntervals.map((i) => (i.relativeHalfWidth === null ? 'unbounded' : `±${formatPercent(i.relativeHalfWidth)}`)), '', '', ''],
    latencyRow('queue', m.queue),
    latencyRow('compute', m.compute),
  );
  lines.push(table.toString());
  const t = m.throughput;
  lines.push(
    `throughput ${formatRate(t.queriesPerSecond)} queries/s · ${formatRate(t.requestsPerSecond)} requests/s · ${formatRate(t.samplesPerSecond)} samples/s` +
      (t.windowsAveraged > 0 ? ` · windows: average ${formatRate(t.averageSamplesPerSecond)}, peak ${formatRate(t.peakSamplesPerSecond)} samples/s over ${t.windowsAveraged}` : ''),
  );
  lines.push(`efficiency ${formatEfficiency(result.efficiency)}`);
  if (m.offeredLoad !== null) {
    const o = m.offeredLoad;
    lines.push(
      `offered  target ${formatRate(o.targetQps)} q/s, achieved ${o.achievedQps === undefined ? '–' : formatRate(o.achievedQps)} q/s · send delay p50 ${formatMs(o.sendDelay.percentilesNs['50'] ?? 0)}, max ${formatMs(o.sendDelay.maxNs)} · ${o.lateQueries} late (> ${o.lateSendThresholdMs} ms)${o.unfinishedQueries > 0 ? ` · ${o.unfinishedQueries} unfinished` : ''}`,
    );
  }
  const es = m.earlyStopping;
  lines.push(
    `p${es.percentile} bound ${es.estimateNs === null ? `needs at least ${es.minimumCount} queries` : formatMs(es.estimateNs)} (early stopping, ${(es.confidenceLevel * 100).toFixed(0)}% confidence)` +
      (m.latencyTarget === null
        ? ''
        : ` · target ${formatMs(m.latencyTarget.targetNs)}: ${m.latencyTarget.passed ? 'met' : 'missed'} (${m.latencyTarget.overLatencyCount} over, ${m.latencyTarget.allowedOverLatency ?? 0} allowed)`),
  );
  if (result.serverSearch !== null) {
    const s = result.serverSearch;
    lines.push(`search   ceiling ${formatRate(s.ceilingQps)} q/s · best passing ${s.bestQps === null ? 'none' : `${formatRate(s.bestQps)} q/s`} · trials ${s.trials.map((x) => `${formatRate(x.rateQps)}${x.passed ? '✓' : '✗'}`).join(' ')}`);
  }
  const st = m.stability;
  lines.push(
    `stability ${st.stable ? 'stable' : 'unstable'}${st.throughputRatio === null ? '' : ` · throughput max/min ${st.throughputRatio.toFixed(3)}`}${st.latencyRatio === null ? '' : ` · p${settings.scenarioPercentile} max/min ${st.latencyRatio.toFixed(3)}`} over the last ${st.windowsJudged} windows`,
  );
  if (m.precision !== null) {
    const w = m.precision.widest;
    lines.push(`precision ${m.precision.met ? 'met' : 'not met'}: widest p${w.percentile} ${w.relativeHalfWidth === null ? 'unbounded' : `±${formatPercent(w.relativeHalfWidth)}`}, asked ±${formatPercent(m.precision.target)}`);
  }
  lines.push(
    `errors   ${m.errors.total === 0 ? 'none' : Object.entries(m.errors.byKind).map(([kind, e]) => `${e.count} ${kind} (${e.example})`).join(' · ')}`,
  );
  for (const outcome of result.thresholds) {
    lines.push(`threshold ${outcome.passed ? 'pass' : 'FAIL'} ${outcome.expression} (actual ${formatThresholdValue(outcome.actual, outcome.unit)})`);
  }
  lines.push(verdict.valid ? 'verdict  VALID' : `verdict  INVALID`);
  for (const reason of verdict.reasons) lines.push(`  - ${reason.message}; ${reason.advice}`);
  return lines.join('\n');
}
