import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatencyHistogram, runBenchmark, type BenchmarkResult } from '../dist/index.js';
import { latencyBins } from '../dist/reporters/charts/latency-histogram-chart.js';
import { PERCENTILE_CURVE_PERCENTILES } from '../dist/reporters/charts/percentile-curve.js';
import { chartedWindows } from '../dist/reporters/charts/windows-chart.js';
import { formatMs } from '../dist/reporters/format.js';
import { renderHtmlReport } from '../dist/reporters/html-report.js';
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
    expect(await page.locator('dl.figures').textContent()).toContain(`${single.measurement.throughput.samplesPerSecond.toFixed(1)} samples/s`);

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
    const html = await renderHtmlReport({ results: [single, hostile], bestIndex: 1, slo: 'p95<50ms' });
    const { page, blocked, consoleErrors } = await open(html, 'sweep.html');
    expect(blocked).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.title()).toBe('inferbench sweep: small-bert.onnx, <script>document.title="pwned"</script>bert');
    expect(await page.locator('#result-2 h2').textContent()).toBe('#2 <script>document.title="pwned"</script>bert (best)');
    expect(await page.locator('#sweep tr.best td').first().textContent()).toBe('#2');

    const drawn = await charts(page);
    expect(drawn.map((c) => c.name)).toEqual(['sweep', 'percentile-curve', 'latency-histogram', 'windows', 'latency-histogram', 'windows']);
    for (const { drawn: chart } of drawn) expect(chart.width * chart.height).toBeGreaterThan(0);
    const [sweep, curve, histogram1, windows1, histogram2, windows2] = drawn.map((c) => c.drawn);
    expect(sweep!.pointFills).toEqual(['#4c78a8', '#e45756']);
    expect(sweep!.markTexts).toEqual(['#1', '#2 best']);
    expect(sweep!.caption).toContain('p95 latency');
    expect(curve!.lineVertices).toEqual([PERCENTILE_CURVE_PERCENTILES.length, PERCENTILE_CURVE_PERCENTILES.length]);
    expectHistogram(histogram1!, single);
    expectWindows(windows1!, single);
    expectHistogram(histogram2!, second);
    expectWindows(windows2!, second);
    await page.close();
  });

  it('refuses a subject without results or with a best index out of range, and stops when cancelled', async () => {
    await expect(renderHtmlReport({ results: [] })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('at least one result') });
    await expect(renderHtmlReport({ results: [single], bestIndex: 1 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('bestIndex 1') });
    await expect(renderHtmlReport({ results: [single] }, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
