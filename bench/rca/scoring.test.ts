import { describe, expect, it } from 'vitest';
import { scoreRankings } from './scoring';

describe('scoreRankings', () => {
  it('computes AC@k, Avg@5, MRR and the empty rate', () => {
    const scores = scoreRankings([
      { ranking: ['db', 'web', 'cache'], truth: 'db' }, // position 1
      { ranking: ['web', 'cache', 'db'], truth: 'db' }, // position 3
      { ranking: ['a', 'b', 'c', 'd', 'db', 'e'], truth: 'db' }, // position 5
      { ranking: ['web'], truth: 'db' }, // absent
      { ranking: [], truth: 'db' }, // empty answer
    ]);
    expect(scores.cases).toBe(5);
    expect(scores.ac1).toBeCloseTo(1 / 5, 12);
    expect(scores.ac3).toBeCloseTo(2 / 5, 12);
    expect(scores.ac5).toBeCloseTo(3 / 5, 12);
    // AC@1..5 = 0.2, 0.2, 0.4, 0.4, 0.6
    expect(scores.avg5).toBeCloseTo(1.8 / 5, 12);
    expect(scores.mrr).toBeCloseTo((1 + 1 / 3 + 1 / 5) / 5, 12);
    expect(scores.emptyRate).toBeCloseTo(1 / 5, 12);
  });

  it('counts a truth beyond the fifth place in MRR but not in AC@5', () => {
    const scores = scoreRankings([{ ranking: ['a', 'b', 'c', 'd', 'e', 'f', 'truth'], truth: 'truth' }]);
    expect(scores).toEqual({ cases: 1, ac1: 0, ac3: 0, ac5: 0, avg5: 0, mrr: 1 / 7, emptyRate: 0 });
  });

  it('gives all zeros for no cases', () => {
    expect(scoreRankings([])).toEqual({ cases: 0, ac1: 0, ac3: 0, ac5: 0, avg5: 0, mrr: 0, emptyRate: 0 });
  });
});
