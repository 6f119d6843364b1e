import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/stats/latency-histogram.js';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { type BenchmarkResult } from '../src/results/benchmark-result.js';
import { latencyBins } from '../src/reporters/charts/latency-histogram-chart.js';
import { PERCENTILE_CURVE_PERCENTILES } from '../src/reporters/charts/percentile-curve.js';
import { chartedWindows } from '../src/reporters/charts/windows-chart.js';
import { formatMs } from '../src/core/format.js';
import { renderHtmlReport } from '../src/reporters/html-report.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

/** What a chart drew, read from the browser's DOM. */
interface DrawnChart {
  /** Rendered size of the chart's <svg>. */
  readonly width: number;
  /** Rendered height of the chart's <svg>. */
  readonly height: number;
  /** Vertex count of each line mark's path. */
  readonly lineVertices: number[];
  /** Heights of the bars. */
  readonly barHeights: number[];
  /** Fill colour of each point mark. */
  readonly pointFills: string[];
  /** Text marks drawn on the plot (labels beside points). */
  readonly markTexts: string[];
  /** Axis tick labels. */
  readonly axisLabels: string[];
  /** Horizontal position of each rule mark (the latency limits), left to right as drawn. */
  readonly ruleXs: number[];
  /** The figure's caption. */
  readonly caption: string;
}

/** A page opened from its file, with every request other than the file itself blocked and recorded. */
interface OpenedPage {
  /** The page. */
  readonly page: Page;
  /** URLs the page tried to load besides its own file. */
  readonly blocked: string[];
  /** Console errors, e.g. content-security-policy violations. */
  readonly consoleErrors: string[];
}

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

// CI installs Debian's chromium; elsewhere the browser checks run only where it is installed.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('HTML report', () => {
  const dir = tempDir();
  const model = writeSmallBert(dir);
  let browser: Browser;
  let single: BenchmarkResult;
  let second: BenchmarkResult;

  beforeAll(async () => {
    // A duration, not a query count: the small model finishes 60 queries inside one 100 ms window.
    const common = { model, tokenizer: 'bert-base-uncased', sequenceLength: 16, cacheDir: join(dir, 'cache'), durationMs: 500, windowMs: 100 };
    [browser, single] = await Promise.all([chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }), runBenchmark({ ...common, batchSize: 1, clients: 1 })]);
    second = await runBenchmark({ ...common, batchSize: 2, clients: 2 });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(html: string, name: string): Promise<OpenedPage> {
    const path = join(dir, name);
    writeFileSync(path, html);
    const url = pathToFileURL(path).href;
    const page = await browser.newPage();
    const blocked: string[] = [];
    const consoleErrors: string[] = [];
    page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, blocked, consoleErrors };
  }

  /** Every chart on the page by name, in page order. */
  function charts(page: Page): Promise<Array<{ name: string; drawn: DrawnChart }>> {
    return page.$$eval('figure[data-chart]', (figures) =>
      figures.map((figure) => {
        const svg = figure.querySelector(':scope > svg');
        const box = svg?.getBoundingClientRect();
        const all = (selector: string) => [...(svg?.querySelectorAll(selector) ?? [])];
        return {
          name: figure.getAttribute('data-chart') ?? '',
          drawn: {
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            lineVertices: all('g.mark-line.role-mark > path').map((p) => (p.getAttribute('d') ?? '').match(/[ML]/g)?.length ?? 0),
            barHeights: all('g.mark-rect.role-mark > path').map((p) => p.getBoundingClientRect().height),
            pointFills: all('g.mark-symbol.role-mark > path').map((p) => p.getAttribute('fill') ?? ''),
            markTexts: all('g.mark-text.role-mark > text').map((t) => t.textContent ?? ''),
            axisLabels: all('g.mark-text.role-axis-label > text').map((t) => t.textContent ?? ''),
            ruleXs: all('g.mark-rule.role-mark > line').map((l) => l.getBoundingClientRect().x),
            caption: figure.querySelector('figcaption')?.textContent ?? '',
          },
        };
      }),
    );
  }

  function expectHistogram(drawn: DrawnChart, result: BenchmarkResult): void {
    const bins = latencyBins(LatencyHistogram.decode(result.measurement.histograms.latency));
    expect(bins).toHaveLength(40);
    expect(bins.reduce((sum, b) => sum + b.count, 0)).toBe(result.measurement.latency.count);
    expect(drawn.barHeights).toHaveLength(bins.length);
    // The tallest bar is the fullest bin, and an empty bin draws no height.
    const fullest = bins.reduce((best, b, i) => (b.count > bins[best]!.count ? i : best), 0);
    expect(Math.max(...drawn.barHeights)).toBe(drawn.barHeights[fullest]);
    expect(drawn.barHeights[fullest]).toBeGreaterThan(50);
    bins.forEach((b, i) => b.count === 0 && expect(drawn.barHeights[i]).toBe(0));
  }

  function expectWindows(drawn: DrawnChart, result: BenchmarkResult): void {
    const windows = chartedWindows(result.measurement.windows);
    expect(windows.length).toBeGreaterThanOrEqual(3);
    expect(windows.every((w) => !w.partial)).toBe(true);
    // One throughput line, then one line per reported percentile, each through every window.
    const percentiles = Object.keys(result.measurement.latency.percentilesNs);
    expect(drawn.lineVertices).toEqual(Array(1 + percentiles.length).fill(windows.length));
    expect(drawn.caption).toContain(`${windows.length} windows`);
  }

  it('draws the percentile curve, histogram and time series of one run, loading nothing', async () => {
    const { page, blocked, consoleErrors } = await open(await renderHtmlReport({ results: [single] }), 'single.html');
    expect(blocked).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(await page.locator('h1').textContent()).toBe('inferbench: small-bert.onnx');
    expect(await page.locator('.settings').textContent()).toBe('scenario closed · batch 1 · 1 copy · 1 client · onnxruntime-cpu');
    expect(await page.locator('.verdict').textContent()).toBe(single.verdict.valid ? 'VALID' : 'INVALID');
    // Key figures: each reported percentile with its confidence interval, and throughput.
    const rows = await page.locator('table.figures tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent)));
    const intervals = single.measurement.latencyIntervals.map((i) => [
      `p${i.percentile}`,
      formatMs(i.valueNs),
      `${formatMs(i.lowerNs)} – ${i.upperNs === null ? 'unbounded (too few queries)' : formatMs(i.upperNs)}`,
    ]);
    expect(intervals.map((i) => i[0])).toEqual(['p50', 'p90', 'p95', 'p99', 'p99.9']);
    expect(rows).toEqual([...intervals, ['mean', formatMs(single.measurement.latency.meanNs), ''], ['min', formatMs(single.measurement.latency.minNs), ''], ['max', formatMs(single.measurement.latency.maxNs), '']]);
    const figures = await page.locator('dl.figures').evaluate((dl) => Object.fromEntries([...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])));
    expect(figures.throughput).toContain(`${single.measurement.throughput.samplesPerSecond.toFixed(1)} samples/s`);
    // One copy on the host: per copy and per device are the whole throughput; not priced, so no cost.
    const rate = single.efficiency.samplesPerSecondPerCopy.toFixed(1);
    expect(single.efficiency.samplesPerSecondPerCopy).toBe(single.measurement.throughput.samplesPerSecond);
    expect(figures.efficiency).toBe(`${rate} samples/s per copy · ${rate} per host (1 host)`);
    expect(figures.errors).toBe('none');

    const drawn = await charts(page);
    expect(drawn.map((c) => c.name)).toEqual(['percentile-curve', 'latency-histogram', 'windows']);
    for (const { drawn: chart } of drawn) {
      expect(chart.width).toBeGreaterThan(300);
      expect(chart.height).toBeGreaterThan(100);
    }
    const [curve, histogram, windows] = drawn.map((c) => c.drawn);
    expect(curve!.lineVertices).toEqual([PERCENTILE_CURVE_PERCENTILES.length]);
    expect(curve!.axisLabels).toEqual(expect.arrayContaining(['50', '90', '99', '99.9', '99.99']));
    expectHistogram(histogram!, single);
    expectWindows(windows!, single);
    await page.close();
  });

  it('compares a sweep: one point per configuration, the best labelled, and escapes model names', async () => {
    const hostile = { ...second, model: { ...second.model, name: '<script>document.title="pwned"</script>bert' } };
    // Several limits, as sweeps accept: the chart shows the first percentile's, p95.
    const html = await renderHtmlReport({ results: [single, hostile], bestIndex: 1, slo: 'p95<50ms,p99<100ms' });
    const { page, blocked, consoleErrors } = await open(html, 'sweep.html');
    expect(blocked).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.title()).toBe('inferbench sweep: small-bert.onnx, <script>document.title="pwned"</script>bert');
    expect(await page.locator('#result-2 h2').textContent()).toBe('#2 <script>document.title="pwned"</script>bert (best)');
    expect(await page.locator('#sweep tr.best td').first().textContent()).toBe('#2');
    const table = await page.locator('#sweep table tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent ?? '')));
    expect(table[0]).toEqual(['#', 'configuration', 'samples/s', 'per copy', 'per device', 'p95', 'verdict']);
    for (const [row, result] of [[table[1]!, single], [table[2]!, second]] as const) {
      expect(row.slice(2, 5)).toEqual([
        result.measurement.throughput.samplesPerSecond.toFixed(1),
        result.efficiency.samplesPerSecondPerCopy.toFixed(1),
        `${result.efficiency.samplesPerSecondPerDevice.toFixed(1)} (1 host)`,
      ]);
    }

    const drawn = await charts(page);
    expect(drawn.map((c) => c.name)).toEqual(['sweep', 'percentile-curve', 'latency-histogram', 'windows', 'latency-histogram', 'windows']);
    for (const { drawn: chart } of drawn) expect(chart.width * chart.height).toBeGreaterThan(0);
    const [sweep, curve, histogram1, windows1, histogram2, windows2] = drawn.map((c) => c.drawn);
    expect(sweep!.pointFills).toEqual(['#4c78a8', '#e45756']);
    expect(sweep!.markTexts).toEqual(['#1', '#2 best']);
    expect(sweep!.caption).toContain('p95 latency');
    expect(sweep!.caption).toContain('the dashed line the latency limit p95<50ms.');
    expect(sweep!.ruleXs).toHaveLength(1);
    expect(curve!.lineVertices).toEqual([PERCENTILE_CURVE_PERCENTILES.length, PERCENTILE_CURVE_PERCENTILES.length]);
    expectHistogram(histogram1!, single);
    expectWindows(windows1!, single);
    expectHistogram(histogram2!, second);
    expectWindows(windows2!, second);
    await page.close();
  });

  it('charts the percentile of the SLO’s first percentile limit with every limit on it, and a cost column when priced', async () => {
    const pricedFirst = { ...single, efficiency: { ...single.efficiency, pricePerHour: 3, costPerMillionSamples: 0.012345 } };
    const html = await renderHtmlReport({ results: [pricedFirst, second], slo: 'mean<1s, p99<80ms, p95<1s, p99<60ms' });
    const { page } = await open(html, 'limits.html');
    const [sweep] = (await charts(page)).map((c) => c.drawn);
    expect(sweep!.caption).toContain('Throughput against p99 latency');
    expect(sweep!.caption).toContain('the dashed lines the latency limits p99<80ms, p99<60ms.');
    // Both p99 limits drawn, 80 ms right of 60 ms; neither the mean's nor the p95's.
    expect(sweep!.ruleXs).toHaveLength(2);
    expect(sweep!.ruleXs[0]).toBeGreaterThan(sweep!.ruleXs[1]!);
    const table = await page.locator('#sweep table tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent ?? '')));
    expect(table[0]).toEqual(['#', 'configuration', 'samples/s', 'per copy', 'per device', 'cost/1M samples', 'p99', 'verdict']);
    expect(table.slice(1).map((row) => row[5])).toEqual(['0.0123', '–']);
    expect(await page.locator('#result-1 dl.figures dd').nth(1).textContent()).toContain(' · 0.0123 per million samples at 3 an hour');
    await page.close();
    // An SLO without a percentile limit: the scenario's percentile, no line.
    const { page: meanOnly } = await open(await renderHtmlReport({ results: [single, second], slo: 'mean<1s' }), 'mean.html');
    const [plain] = (await charts(meanOnly)).map((c) => c.drawn);
    expect(plain!.caption).toContain(`Throughput against p${single.settings.scenarioPercentile} latency, one point per configuration; the best is red.`);
    expect(plain!.ruleXs).toEqual([]);
    await meanOnly.close();
  });

  it('refuses a subject without results or with a best index out of range, and stops when cancelled', async () => {
    await expect(renderHtmlReport({ results: [] })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('at least one result') });
    await expect(renderHtmlReport({ results: [single], bestIndex: 1 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('bestIndex 1') });
    await expect(renderHtmlReport({ results: [single] }, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
