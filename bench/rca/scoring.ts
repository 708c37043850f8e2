// Service-level accuracy of ranked root-cause answers, as the RCA literature reports it.

export interface MethodScores {
  cases: number;
  /** Share of cases whose true service is first. */
  ac1: number;
  /** Share of cases whose true service is among the first three. */
  ac3: number;
  /** Share of cases whose true service is among the first five. */
  ac5: number;
  /** Mean of AC@1 … AC@5. */
  avg5: number;
  /** Mean reciprocal rank of the true service (0 when it is missing). */
  mrr: number;
  /** Share of cases answered with no service at all. */
  emptyRate: number;
}

/** AC@1/3/5, Avg@5, MRR and the empty-answer rate of rankings against their true services. */
export function scoreRankings(entries: ReadonlyArray<{ ranking: readonly string[]; truth: string }>): MethodScores {
  const count = entries.length;
  if (count === 0) return { cases: 0, ac1: 0, ac3: 0, ac5: 0, avg5: 0, mrr: 0, emptyRate: 0 };
  const positions = entries.map(({ ranking, truth }) => ranking.indexOf(truth) + 1);
  const accuracyAt = (k: number) => positions.filter((position) => position >= 1 && position <= k).length / count;
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    cases: count,
    ac1: accuracyAt(1),
    ac3: accuracyAt(3),
    ac5: accuracyAt(5),
    avg5: mean([1, 2, 3, 4, 5].map(accuracyAt)),
    mrr: mean(positions.map((position) => (position === 0 ? 0 : 1 / position))),
    emptyRate: entries.filter(({ ranking }) => ranking.length === 0).length / count,
  };
}
