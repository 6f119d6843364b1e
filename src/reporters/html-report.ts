import { InferbenchError } from '../core/errors.js';
import type { BenchmarkResult } from '../results/benchmark-result.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import { formatThresholdValue, parseThresholds, type Threshold } from '../stats/thresholds.js';
import { LATENCY_HISTOGRAM_BINS, latencyHistogramSpec } from './charts/latency-histogram-chart.js';
import { percentileCurveSpec, type CurveSeries } from './charts/percentile-curve.js';
import { renderChartSvg } from './charts/render-chart.js';
import { sweepSpec } from './charts/sweep-chart.js';
import { chartedWindows, windowsSpec } from './charts/windows-chart.js';
import { formatMs, formatRate, plural } from '../core/format.js';
import { describeLoad } from './describe-load.js';
import { formatCostPerMillion, formatEfficiency, formatPerDevice } from './format-efficiency.js';
import type { ReportSubject } from './report-subject.js';
import { Html, STYLE, html } from './html-markup.js';

/** How {@link renderHtmlReport} runs. */
export interface HtmlReportOptions {
  /** Stops rendering between charts; the promise then rejects with code ABORTED. */
  readonly signal?: AbortSignal;
}



/** Scenario, batch size, copies, load and backend on one line. */
function settingsSummary(result: BenchmarkResult): string {
  const { settings, measurement: m, backend } = result;
  const load = describeLoad(result);
  const device = settings.device === 'cpu' ? '' : ` on ${settings.device}`;
  return [`scenario ${m.scenario}`, `batch ${settings.batchSize}`, `${backend.copies} ${backend.copies === 1 ? 'copy' : 'copies'}`, load, `${backend.name}${device}`].join(' · ');
}

/** Each reported percentile with its confidence interval, then mean, min and max. */
function latencyFigures(result: BenchmarkResult): Html {
  const m = result.measurement;
  const level = `${(m.confidenceLevel * 100).toFixed(0)}%`;
  const rows = m.latencyIntervals.map((i) => {
    const interval = i.upperNs === null ? `${formatMs(i.lowerNs)} – unbounded (too few queries)` : `${formatMs(i.lowerNs)} – ${formatMs(i.upperNs)}`;
    return html`<tr><th scope="row">p${i.percentile}</th><td>${formatMs(i.valueNs)}</td><td>${interval}</td></tr>`;
  });
  const plain = (label: string, valueNs: number): Html => html`<tr><th scope="row">${label}</th><td>${formatMs(valueNs)}</td><td></td></tr>`;
  return html`<table class="figures"><thead><tr><th>latency</th><th>value</th><th>${level} confidence interval</th></tr></thead><tbody>${rows}${plain('mean', m.latency.meanNs)}${plain('min', m.latency.minNs)}${plain('max', m.latency.maxNs)}</tbody></table>`;
}

/** Throughput, efficiency, errors and, when given, the thresholds. */
function otherFigures(result: BenchmarkResult): Html {
  const { throughput: t, errors } = result.measurement;
  const windowed = t.windowsAveraged > 0 ? ` · windows: average ${formatRate(t.averageSamplesPerSecond)}, peak ${formatRate(t.peakSamplesPerSecond)} samples/s over ${t.windowsAveraged}` : '';
  const errorText = errors.total === 0 ? 'none' : Object.entries(errors.byKind).map(([kind, e]) => `${e.count} ${kind} (${e.example})`).join(' · ');
  const thresholds = result.thresholds.map(
    (o) => html`<li class="${o.passed ? 'pass' : 'fail'}">${o.passed ? 'pass' : 'FAIL'} ${o.expression} (actual ${formatThresholdValue(o.actual, o.unit)})</li>`,
  );
  return html`<dl class="figures">
<dt>throughput</dt><dd>${formatRate(t.samplesPerSecond)} samples/s · ${formatRate(t.queriesPerSecond)} queries/s${windowed}</dd>
<dt>efficiency</dt><dd>${formatEfficiency(result.efficiency)}</dd>
<dt>errors</dt><dd>${errorText}</dd>
</dl>${thresholds.length === 0 ? '' : html`<ul class="thresholds">${thresholds}</ul>`}`;
}

/** VALID, or INVALID with each reason and its advice. */
function verdict({ verdict: v }: BenchmarkResult): Html {
  if (v.valid) return html`<p class="verdict valid">VALID</p>`;
  return html`<p class="verdict invalid">INVALID</p><ul class="reasons">${v.reasons.map((r) => html`<li>${r.message}; ${r.advice}</li>`)}</ul>`;
}

/** The sweep chart's latency percentile, and the SLO's limits on it. */
interface SweepAxis {
  /** The percentile charted and tabled. */
  readonly percentile: number;
  /** The SLO's limits on that percentile, in the order written. */
  readonly limits: readonly Threshold[];
}

/**
 * The percentile of the sweep chart: the one of the SLO's first percentile limit, as an SLO may hold several
 * ('p95<50ms,p99<100ms') and one axis shows one percentile; every limit on that percentile is drawn. Without a
 * percentile limit (none, or only mean or max), the scenario's percentile and no limit.
 */
function sweepAxis(subject: ReportSubject, first: BenchmarkResult): SweepAxis {
  const percentileLimits = parseThresholds(subject.slo === undefined ? [] : [subject.slo]).filter((t) => t.percentile !== null);
  const percentile = percentileLimits[0]?.percentile ?? first.settings.scenarioPercentile;
  return { percentile, limits: percentileLimits.filter((t) => t.percentile === percentile) };
}


/** Renders each chart in turn, stopping at the next one once `signal` aborts. */
type ChartRenderer = (name: string, caption: string, render: () => Promise<string>) => Promise<Html>;

function chartRenderer(signal: AbortSignal | undefined): ChartRenderer {
  return async (name, caption, render) => {
    if (signal?.aborted) throw new InferbenchError('ABORTED', 'rendering the HTML report was cancelled');
    return html`<figure data-chart="${name}">${new Html(await render())}<figcaption>${caption}</figcaption></figure>`;
  };
}

/** The sweep's table of configurations, throughput against latency, and the percentile curves together. */
async function sweepSection(subject: ReportSubject, latencies: readonly LatencyHistogram[], curve: Html, chart: ChartRenderer): Promise<Html> {
  const { results, bestIndex, slo } = subject;
  const axis = sweepAxis(subject, results[0]!);
  const points = results.map((r, i) => ({
    label: `#${i + 1}`,
    description: `${r.model.name} · ${settingsSummary(r)}`,
    latencyMs: latencies[i]!.valueAtPercentileNs(axis.percentile) / 1e6,
    samplesPerSecond: r.measurement.throughput.samplesPerSecond,
    best: i === bestIndex,
  }));
  // The cost column only when some configuration was priced: a column of dashes says nothing.
  const priced = results.some((r) => r.efficiency.costPerMillionSamples !== null);
  const rows = points.map((p, i) => {
    const { efficiency, verdict: v } = results[i]!;
    const cost = priced ? html`<td>${formatCostPerMillion(efficiency)}</td>` : '';
    return html`<tr class="${p.best ? 'best' : ''}"><td><a href="#result-${i + 1}">${p.label}</a></td><td class="config">${p.description}</td><td>${formatRate(p.samplesPerSecond)}</td><td>${formatRate(efficiency.samplesPerSecondPerCopy)}</td><td>${formatPerDevice(efficiency)}</td>${cost}<td>${formatMs(p.latencyMs * 1e6)}</td><td>${v.valid ? 'VALID' : 'INVALID'}${p.best ? ' · best' : ''}</td></tr>`;
  });
  const best = bestIndex === undefined ? 'no configuration was marked best' : `best: #${bestIndex + 1}${slo === undefined ? '' : `, the highest throughput within ${slo}`}`;
  const limits = axis.limits.map((t) => t.expression).join(', ');
  const limitCaption = axis.limits.length === 0 ? '' : axis.limits.length === 1 ? `, the dashed line the latency limit ${limits}` : `, the dashed lines the latency limits ${limits}`;
  const scatter = await chart(
    'sweep',
    `Throughput against p${axis.percentile} latency, one point per configuration; the best is red${limitCaption}.`,
    () => renderChartSvg(sweepSpec({ points, percentile: axis.percentile, limitsMs: axis.limits.map((t) => t.limit / 1e6) })),
  );
  const costHead = priced ? html`<th>cost/1M samples</th>` : '';
  return html`<section id="sweep"><h2>Sweep of ${results.length} configurations</h2><p class="meta">${best}</p>
<table><thead><tr><th>#</th><th>configuration</th><th>samples/s</th><th>per copy</th><th>per device</th>${costHead}<th>p${axis.percentile}</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table>
${scatter}${curve}</section>`;
}

/** One result: settings, verdict, key figures and its charts (the percentile curve too, unless the sweep section has it). */
async function resultSection(result: BenchmarkResult, index: number, subject: ReportSubject, latency: LatencyHistogram, curve: Html | undefined, chart: ChartRenderer): Promise<Html> {
  const m = result.measurement;
  const sweep = subject.results.length > 1;
  const histogram = await chart(
    'latency-histogram',
    `Queries by latency in ${LATENCY_HISTOGRAM_BINS} equal bins from the fastest to the slowest, counted from the HDR histogram's buckets.`,
    () => renderChartSvg(latencyHistogramSpec(latency)),
  );
  const charted = chartedWindows(m.windows);
  const leftOut = m.windows.length - charted.length;
  const overTime = await chart(
    'windows',
    `Samples per second and latency percentiles in each measurement window, against its end (${plural(charted.length, 'window')}${leftOut === 0 ? '' : `; ${plural(leftOut, 'partial window')} at the end left out`}).`,
    () => renderChartSvg(windowsSpec(charted)),
  );
  return html`<section id="result-${index + 1}" class="result"><h2>${sweep ? `#${index + 1} ` : ''}${result.model.name}${index === subject.bestIndex ? ' (best)' : ''}</h2>
<p class="settings">${settingsSummary(result)}</p>
<p class="meta">${m.completedQueries} queries in ${(m.elapsedNs / 1e9).toFixed(2)} s after ${m.warmupQueries} warm-up · stop: ${m.stopReason} · started ${result.startedAt} · inferbench ${result.environment.inferbench}</p>
${verdict(result)}${latencyFigures(result)}${otherFigures(result)}${curve ?? ''}${histogram}${overTime}</section>`;
}

/**
 * One self-contained HTML page of a run or a sweep: for each result its settings, verdict, latency
 * percentiles with confidence intervals, throughput, samples/s per copy and per device (and the cost of a
 * million samples when priced) and errors, with charts drawn to inline SVG here (percentile curve, latency
 * histogram, throughput and latency over time, and for a sweep throughput against latency at the SLO's
 * first percentile, with its limits on that percentile). The page loads nothing and runs no script; its
 * security policy forbids both.
 * @throws InferbenchError `INVALID_OPTION` when there is no result, `bestIndex` is out of range or `slo` does not parse; `ABORTED` when `signal` aborts.
 */
export async function renderHtmlReport(subject: ReportSubject, options: HtmlReportOptions = {}): Promise<string> {
  const { results, bestIndex } = subject;
  const first = results[0];
  if (first === undefined) throw new InferbenchError('INVALID_OPTION', 'an HTML report needs at least one result; pass the results of a run or a sweep');
  if (bestIndex !== undefined && !(Number.isInteger(bestIndex) && bestIndex >= 0 && bestIndex < results.length)) {
    throw new InferbenchError('INVALID_OPTION', `bestIndex ${bestIndex} is not the index of one of the ${results.length} results; pass 0 to ${results.length - 1}, or leave it out`);
  }
  const sweep = results.length > 1;
  const chart = chartRenderer(options.signal);
  const latencies = results.map((r) => LatencyHistogram.decode(r.measurement.histograms.latency));
  const series: CurveSeries[] = results.map((r, i) => ({ label: sweep ? `#${i + 1}` : r.model.name, latency: latencies[i]! }));
  const curve = await chart(
    'percentile-curve',
    `Latency at each percentile, from the HDR histogram; the axis stretches toward p99.99, so the tail is as wide as the body.${sweep ? ' One line per configuration.' : ''}`,
    () => renderChartSvg(percentileCurveSpec(series)),
  );
  const sections: Html[] = sweep ? [await sweepSection(subject, latencies, curve, chart)] : [];
  for (const [i, result] of results.entries()) sections.push(await resultSection(result, i, subject, latencies[i]!, sweep ? undefined : curve, chart));

  const title = sweep ? `inferbench sweep: ${[...new Set(results.map((r) => r.model.name))].join(', ')}` : `inferbench: ${first.model.name}`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${title}</title><style>${new Html(STYLE)}</style></head>
<body><h1>${title}</h1>
${sections}</body></html>
`.markup;
}
