// Accuracy measures of root-cause rankings: AC@k (true cause within the top k) and Avg@5 (mean of AC@1..5).
export function acAt(k: number, ranking: string[], truth: string): number {
  return ranking.slice(0, k).includes(truth) ? 1 : 0;
}
export function avgAt5(ranking: string[], truth: string): number {
  let s = 0;
  for (let k = 1; k <= 5; k++) s += acAt(k, ranking, truth);
  return s / 5;
}
export interface Tally { n: number; ac1: number; ac3: number; avg5: number }
export const emptyTally = (): Tally => ({ n: 0, ac1: 0, ac3: 0, avg5: 0 });
export function addTo(t: Tally, ranking: string[], truth: string): void {
  t.n++;
  t.ac1 += acAt(1, ranking, truth);
  t.ac3 += acAt(3, ranking, truth);
  t.avg5 += avgAt5(ranking, truth);
}
export const pct = (x: number, n: number) => (n ? `${((100 * x) / n).toFixed(0)}%` : '–');
