/** Milliseconds with three significant digits at most, e.g. "33.9 ms", "0.125 ms". */
export function formatMs(valueNs: number): string {
  const ms = valueNs / 1e6;
  return `${ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3)} ms`;
}

/** A rate with one decimal, e.g. "210.7". */
export function formatRate(perSecond: number): string {
  return perSecond.toFixed(1);
}

/** A count and its noun, plural unless one: "1 copy" needs its own word, so nouns here take an s. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A fraction as a percentage with one decimal, e.g. "2.5%". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A size in bytes in the largest binary unit that keeps it ≥ 1: "512 B", "3.2 KiB", "58.6 MiB", "114.4 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
