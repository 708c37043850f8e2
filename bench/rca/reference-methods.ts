// The reference methods every benchmark run reports beside the assistant, on the same series:
// chance, NSigma, and BARO's robust scorer (Pham et al., FSE 2024). Each scores a series by how
// far its anomalous window strays from its normal window, in units of the normal window's
// spread — a drop counts like a rise — and ranks services by their most anomalous series.
import { compareText, type DatasetSeries } from './case';
import { meanAndStandardDeviation, medianAndInterquartileRange } from './statistics';

interface Scaler {
  center: number;
  scale: number;
}

/** Services ranked by max |x − mean| / std of their series (normal: t < splitAt; anomalous: splitAt ≤ t ≤ end). */
export function nsigma(series: readonly DatasetSeries[], splitAt: number, end: number): string[] {
  return rankServices(series, splitAt, end, (normal) => {
    const { mean, standardDeviation } = meanAndStandardDeviation(normal);
    return { center: mean, scale: standardDeviation };
  });
}

/** Services ranked by max |x − median| / IQR of their series (BARO's robust scorer). */
export function baro(series: readonly DatasetSeries[], splitAt: number, end: number): string[] {
  return rankServices(series, splitAt, end, (normal) => {
    const { median, interquartileRange } = medianAndInterquartileRange(normal);
    return { center: median, scale: interquartileRange };
  });
}

/** The services in an order fixed by the seed alone: the chance baseline. */
export function randomRanking(services: readonly string[], seed: string): string[] {
  // Sorted first so that the order the caller lists services in does not change the draw.
  const shuffled = [...new Set(services)].sort(compareText);
  const nextRandom = mulberry32(fnv1a(seed));
  for (let index = shuffled.length - 1; index > 0; index -= 1) {
    const swapWith = Math.floor(nextRandom() * (index + 1));
    [shuffled[index], shuffled[swapWith]] = [shuffled[swapWith]!, shuffled[index]!];
  }
  return shuffled;
}

function rankServices(
  series: readonly DatasetSeries[],
  splitAt: number,
  end: number,
  fitScaler: (normalValues: number[]) => Scaler,
): string[] {
  const serviceScores = new Map<string, number>();
  for (const { labels, points } of series) {
    const service = labels.service;
    if (service === undefined) continue;
    const normal: number[] = [];
    const anomalous: number[] = [];
    for (const [time, value] of points) {
      if (!Number.isFinite(value)) continue;
      if (time < splitAt) normal.push(value);
      else if (time <= end) anomalous.push(value);
    }
    if (normal.length < 2 || anomalous.length === 0) continue;
    const { center, scale } = fitScaler(normal);
    // As in scikit-learn's scalers, which the published implementations use: no spread, no scaling.
    const divisor = scale === 0 ? 1 : scale;
    let score = serviceScores.get(service) ?? 0;
    for (const value of anomalous) score = Math.max(score, Math.abs(value - center) / divisor);
    serviceScores.set(service, score);
  }
  return [...serviceScores]
    .sort(([leftService, leftScore], [rightService, rightScore]) => rightScore - leftScore || compareText(leftService, rightService))
    .map(([service]) => service);
}

// 32-bit FNV-1a: a string seed as the PRNG's integer state.
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

// mulberry32: small, fast and well distributed enough for shuffling a few dozen names.
function mulberry32(state: number): () => number {
  let current = state;
  return () => {
    current = (current + 0x6d2b79f5) | 0;
    let mixed = Math.imul(current ^ (current >>> 15), 1 | current);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
