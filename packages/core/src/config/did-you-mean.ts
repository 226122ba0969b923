// "Did you mean …?" for config typos: the closest candidate by optimal-string-alignment distance (a swap of two
// neighbours counts 1), case-insensitive and ignoring - and _, within a third of the word's length (at least 2);
// plus the names people reach for that no distance finds (`autoencoder` → `ae`).

/** Names users write for a detector, mapped to its registered name. */
export const DETECTOR_ALIASES: Readonly<Record<string, string>> = {
  autoencoder: 'ae',
  'auto-encoder': 'ae',
  'conv-ae': 'ae',
  'variational-autoencoder': 'vae',
  'memory-ae': 'memae',
  'memory-autoencoder': 'memae',
  'f-anogan': 'fanogan',
  anogan: 'fanogan',
  'student-teacher-ensemble': 'student-teacher',
  svdd: 'deep-svdd',
  deepsvdd: 'deep-svdd',
};

const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidates closest to `word`, best first (ties by name); [] when none is close enough. */
export function didYouMean(word: string, candidates: readonly string[], aliases: Readonly<Record<string, string>> = {}): string[] {
  const alias = aliases[word.toLowerCase()];
  if (alias && candidates.includes(alias)) return [alias];
  const w = norm(word);
  const limit = Math.max(2, Math.floor(word.length / 3));
  return candidates
    .filter((c) => c !== word)
    .map((c) => ({ c, d: norm(c) === w ? 0 : editDistance(w, norm(c)) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .map((x) => x.c);
}
