import type { TopLevelSpec } from 'vega-lite';

/** Look shared by every chart: the page loads no fonts, so a system font stack, and no frame around the plot. */
const CHART_CONFIG: TopLevelSpec['config'] = {
  font: 'system-ui, -apple-system, "Segoe UI", sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
};

/**
 * Renders a Vega-Lite spec to an SVG document, offline: compiled to Vega and drawn by a headless view
 * (no DOM, no canvas). Specs carry their data inline, so nothing is fetched.
 */
export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  // Imported on first use: the two take about half a second to load, which every CLI start would pay.
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile({ ...spec, config: { ...CHART_CONFIG, ...spec.config } }).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
