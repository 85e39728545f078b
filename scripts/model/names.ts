/**
 * The known name closest to `name` by edit distance, when it is close enough
 * to be a likely typo ("replica" → "replicas", "teir" → "tier"); undefined
 * otherwise. Between equally close names, one that `isAbsent` says is not
 * set yet wins: a misspelled key is usually the field that is missing next
 * to it, not one already there.
 */
export function closestName(
  name: string,
  known: readonly string[],
  isAbsent: (candidate: string) => boolean = () => true,
): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate.toLowerCase(), limit);
    if (distance > limit) continue;
    // Distance first; absence breaks ties.
    const score = distance * 2 + (isAbsent(candidate) ? 0 : 1);
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Edit distance where swapping two neighbouring letters counts as one edit,
 * like inserting, deleting or replacing one ("teir" is 1 from "tier", 2 from
 * "team"): the optimal string alignment variant of Damerau–Levenshtein. Gives
 * up early once it exceeds `cap` (names are short; inputs may not be).
 */
export function editDistance(a: string, b: string, cap = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (beforePrevious[j - 2] ?? 0) + 1);
      }
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > cap) return cap + 1;
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}
