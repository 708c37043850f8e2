import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { formatDuration, formatStatistic, matchesAutoDiagnosePolicy, missingEvidence, parseFindings } from './diagnosis';

const statistics = { start: '2026-11-22T00:00:00Z', end: '2026-11-22T00:50:00Z', mean: 0.4, stddev: 0.1, min: 0.2, max: 0.7, samples: 50 };
const hypothesis = (rank: number) => ({
  rank,
  entity: `db-${rank}`,
  deviceId: null,
  metric: 'node_load1',
  direction: 'up',
  score: 7,
  statement: `node_load1 on db-${rank} rose`,
  evidence: { query: 'node_load1', series: { instance: `db-${rank}:9100` }, baseline: statistics, anomaly: { ...statistics, mean: 7.9 } },
});
const record = (status: string) => ({ source: 'victoriametrics', description: `a ${status} record`, query: 'up', status, detail: status === 'ok' ? null : 'why' });

describe('the automatic diagnosis policy', () => {
  it('matches the severity label case-insensitively against the configured list', () => {
    expect(matchesAutoDiagnosePolicy('critical', ['critical', 'page'])).toBe(true);
    expect(matchesAutoDiagnosePolicy(' Page ', ['critical', 'page'])).toBe(true);
    expect(matchesAutoDiagnosePolicy('warning', ['critical', 'page'])).toBe(false);
    expect(matchesAutoDiagnosePolicy(null, ['critical', 'page'])).toBe(false);
    expect(matchesAutoDiagnosePolicy('critical', [])).toBe(false);
  });

  it('reads AUTO_DIAGNOSE_SEVERITIES: default critical and page, lower-cased, empty turns it off', () => {
    const severities = (value?: string) =>
      loadConfig({ DATABASE_URL: 'postgres://localhost/sre', ...(value === undefined ? {} : { AUTO_DIAGNOSE_SEVERITIES: value }) }).autoDiagnoseSeverities;
    expect(severities()).toEqual(['critical', 'page']);
    expect(severities(' Critical, PAGE ,,critical,sev1')).toEqual(['critical', 'page', 'sev1']);
    expect(severities('')).toEqual([]);
    expect(severities(' , ')).toEqual([]);
  });
});

describe('reading the stored analysis', () => {
  it('orders hypotheses by rank and keeps the evidence records', () => {
    const findings = parseFindings([hypothesis(2), hypothesis(1)], [record('ok'), record('missing')]);
    expect(findings.readable).toBe(true);
    if (!findings.readable) return;
    expect(findings.hypotheses.map((entry) => entry.rank)).toEqual([1, 2]);
    expect(findings.evidence).toHaveLength(2);
    expect(missingEvidence(findings.evidence).map((entry) => entry.description)).toEqual(['a missing record']);
  });

  it('says where the JSON breaks the expected shape instead of trusting it', () => {
    expect(parseFindings([{ ...hypothesis(1), direction: 'sideways' }], [])).toEqual({ readable: false, problem: expect.stringMatching(/^hypotheses\.0\.direction: /) });
    expect(parseFindings([hypothesis(1)], [{ ...record('ok'), status: 'unknown' }])).toEqual({ readable: false, problem: expect.stringMatching(/^evidence\.0\.status: /) });
    expect(parseFindings([{ ...hypothesis(1), deviceId: 'javascript:alert(1)' }], [])).toEqual({ readable: false, problem: expect.stringMatching(/^hypotheses\.0\.deviceId: /) });
    expect(parseFindings('not an array', [])).toMatchObject({ readable: false });
  });
});

describe('formatting for people', () => {
  it('writes durations in seconds, minutes or hours, never negative', () => {
    const at = (seconds: number) => new Date(Date.UTC(2026, 10, 22, 0, 0, seconds));
    expect(formatDuration(at(0), at(42))).toBe('42 s');
    expect(formatDuration(at(0), at(185))).toBe('3 min 05 s');
    expect(formatDuration(at(0), at(2 * 3600 + 7 * 60 + 30))).toBe('2 h 07 min');
    expect(formatDuration(at(10), at(0))).toBe('0 s');
  });

  it('writes statistics short without losing large values', () => {
    expect(formatStatistic(0.1234567)).toBe('0.1235');
    expect(formatStatistic(0.000123456)).toBe('0.0001235');
    expect(formatStatistic(1234567890)).toBe('1234567890');
    expect(formatStatistic(7.9)).toBe('7.9');
    expect(formatStatistic(-3)).toBe('-3');
  });
});
