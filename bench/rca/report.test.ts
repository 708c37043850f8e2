import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluation';
import { formatReport } from './report';
import { caseRun as run, truthsOnly } from './testing/case-runs';

const data = truthsOnly('f1', 'f2');

describe('formatReport', () => {
  it('prints the assistant as scored and, apart, its listed leads with inconclusive ones included', () => {
    const report = formatReport(evaluate('dev', data, 'inject', [run('f1', {}), run('f2', { verdict: 'inconclusive' })], 5));
    const rows = report.split('\n');
    const allFaults = rows.slice(rows.indexOf('All faults (2 cases)'));
    expect(allFaults[2]).toMatch(/^ {2}assistant +50\.0 +50\.0 +50\.0 +50\.0 +50\.0 +50\.0$/);
    expect(allFaults[6]).toMatch(/^ {2}\(leads\) +100\.0 +100\.0 +100\.0 +100\.0 +100\.0 +0\.0$/);
    expect(report).toContain('(leads): the hypotheses the assistant lists, inconclusive verdicts included');
  });

  it('says in its first line how far past the alert the data reached', () => {
    expect(formatReport(evaluate('dev', data, 'alert', [run('f1', {})], 1)).split('\n')[0]).toBe('bench:rca nezha dev — time from the SLI alert, data to 1 min after it');
  });
});
