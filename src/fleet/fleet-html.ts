import { formatRate } from '../core/format.js';
import { renderChartSvg } from '../reporters/charts/render-chart.js';
import { sweepSpec } from '../reporters/charts/sweep-chart.js';
import { Html, STYLE, html } from '../reporters/html-markup.js';
import { latencyPercentilesNs } from '../reporters/csv-report.js';
import { DEFAULT_MODEL } from '../models/resolve-model-source.js';
import { parseSlo } from '../sweep/choose-best.js';
import type { FleetCollection } from './collect.js';
import { costText, percentileWithInterval, sloPercentile } from './fleet-report.js';

/**
 * A fleet sweep's page: the workshop's question answered first (the cheapest target within the SLO), then one chart of
 * every configuration's throughput against the SLO's percentile, coloured by target, and each target's table. One
 * chart, not a section per result: a fleet sweep holds thousands of configurations.
 */
export async function renderFleetHtml(collection: FleetCollection): Promise<string> {
  const { plan, configurations, bestByTarget, cheapest, missing } = collection;
  const slo = plan.slo === undefined ? [] : parseSlo(plan.slo);
  const percentile = sloPercentile(plan.slo);
  const limitsMs = slo.filter((t) => t.percentile === percentile).map((t) => t.limit / 1e6);
  const best = new Set(Object.values(bestByTarget));
  const points = configurations.map((c, i) => ({
    label: best.has(i) ? c.configuration.target : '',
    description: `${c.configuration.target} ${c.configuration.label}`,
    latencyMs: latencyPercentilesNs(c.result, [percentile])[0]! / 1e6,
    samplesPerSecond: c.result.measurement.throughput.samplesPerSecond,
    best: best.has(i),
    group: c.configuration.target,
  }));
  const chart = configurations.length === 0 ? new Html('') : new Html(await renderChartSvg(sweepSpec({ points, percentile, limitsMs })));
  const answer = Object.entries(bestByTarget).map(([target, i]) => {
    const { device, costPerHour } = plan.targets[target]!;
    if (i === undefined) return html`<tr><td>${target}</td><td>${device}</td><td>${costPerHour ?? '–'}</td><td colspan="4">none meets the SLO</td></tr>`;
    const { configuration, result } = configurations[i]!;
    return html`<tr class="${i === cheapest ? 'best' : ''}"><td>${target}${i === cheapest ? ' · cheapest' : ''}</td><td>${device}</td><td>${costPerHour ?? '–'}</td><td>${configuration.label}</td><td>${formatRate(result.measurement.throughput.samplesPerSecond)}</td><td>${percentileWithInterval(result, percentile)}</td><td>${costText(result)}</td></tr>`;
  });
  const targets = Object.keys(plan.targets).map((target) => {
    const rows = configurations.flatMap((c, i) => {
      if (c.configuration.target !== target) return [];
      const [p50, p90, p95, p99] = [50, 90, 95, 99].map((p) => percentileWithInterval(c.result, p));
      return [html`<tr class="${best.has(i) ? 'best' : ''}"><td>${c.configuration.label}${c.runs > 1 ? ` (${c.runs} runs)` : ''}</td><td>${formatRate(c.result.measurement.throughput.samplesPerSecond)}</td><td>${p50!}</td><td>${p90!}</td><td>${p95!}</td><td>${p99!}</td><td>${costText(c.result)}</td><td>${c.meetsSlo ? 'yes' : 'no'}</td></tr>`];
    });
    return html`<h2>${target}</h2><table><thead><tr><th>configuration</th><th>samples/s</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>cost/1M</th><th>meets SLO</th></tr></thead><tbody>${rows}</tbody></table>`;
  });
  const missed = missing.map(({ configuration, shard }) => html`<li>${configuration.target} ${configuration.label}: shard ${shard.index}/${shard.count}</li>`);
  const title = `inferbench fleet sweep ${plan.planId}: ${String(plan.fixed['model'] ?? DEFAULT_MODEL)}`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${title}</title><style>${new Html(STYLE)}</style></head>
<body><h1>${title}</h1><p class="meta">SLO ${plan.slo ?? 'none'} · ${configurations.length} of ${plan.configurations.length} configurations found · latency percentiles with their confidence intervals in brackets</p>
<h2>The cheapest target within the SLO</h2>
<table><thead><tr><th>target</th><th>device</th><th>price/hour</th><th>best configuration</th><th>samples/s</th><th>p${percentile}</th><th>cost/1M inferences</th></tr></thead><tbody>${answer}</tbody></table>
<figure>${chart}<figcaption>Throughput against p${percentile} latency, one point per configuration, coloured by target; each target's best is labelled${limitsMs.length > 0 ? ', the dashed line the SLO' : ''}.</figcaption></figure>
${targets}${missing.length > 0 ? html`<h2>Missing</h2><ul>${missed}</ul>` : ''}</body></html>
`.markup;
}
