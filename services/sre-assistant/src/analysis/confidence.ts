// A hypothesis' confidence is meant as the probability that it names the root cause. The raw
// measure, an entity's share of all change tempered by how strong its change is, orders well but
// reads low: first answers at 0.25–0.5 were right three times in four. So each candidate's
// confidence is a logistic function of that share and of its score, fitted (maximum likelihood,
// light L2) on the first hypotheses of the development sets' cases that had one (136 of 152 faults
// and 62 of 64 windows without a fault, both time modes of `npm run bench:rca`); when the candidates' confidences add up to more
// than one (several strong candidates), they are scaled down to sum to one. Fitted on one dataset
// and scored on the other, the first hypothesis' expected calibration error fell from 0.17 to
// 0.11 (Nezha → PetShop) and from 0.24 to 0.13 (PetShop → Nezha); docs/rca-benchmark.md.
const fitted = { intercept: -4.81, share: 1.1, score: 3.03 };
// How fast a score's strength grows in the raw measure, 1 − e^(−score/5): the scale the fit was made on.
const strengthScale = 5;

/**
 * Calibrated confidences of all the candidates, whose scores are given strongest first, rounded to
 * hundredths; they keep the scores' order and add up to one at most.
 */
export function confidencesOf(scores: readonly number[]): number[] {
  const total = scores.reduce((sum, score) => sum + score, 0);
  if (total <= 0) return scores.map(() => 0);
  const probabilities = scores.map((score) => {
    const share = (score / total) * (1 - Math.exp(-score / strengthScale));
    return logistic(fitted.intercept + fitted.share * logit(share) + fitted.score * Math.log1p(score));
  });
  const sum = probabilities.reduce((all, probability) => all + probability, 0);
  return probabilities.map((probability) => floorToHundredths(sum > 1 ? probability / sum : probability));
}

const logistic = (value: number) => 1 / (1 + Math.exp(-value));
// A share of 0 (a candidate without score) or 1 would have an infinite logit.
const logit = (probability: number) => {
  const clamped = Math.min(Math.max(probability, 1e-6), 1 - 1e-6);
  return Math.log(clamped / (1 - clamped));
};
// Rounding down keeps a sum of one from reading 1.01.
const floorToHundredths = (value: number) => Math.floor(value * 100) / 100;
