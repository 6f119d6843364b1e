/** Edits (insertions, deletions, substitutions) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The command `typed` most likely meant: the nearest by edits, when it is near enough to be a typo
 * (at most 2 edits, and fewer than the word's length); undefined otherwise.
 */
export function nearestCommand(typed: string, commands: readonly string[]): string | undefined {
  const ranked = commands.map((name) => ({ name, distance: editDistance(typed.toLowerCase(), name) })).sort((a, b) => a.distance - b.distance);
  const best = ranked[0];
  return best !== undefined && best.distance <= 2 && best.distance < typed.length ? best.name : undefined;
}
