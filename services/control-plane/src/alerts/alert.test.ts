import { describe, expect, it } from 'vitest';
import { deviceNameCandidates } from './alert';

describe('deviceNameCandidates', () => {
  it('takes the value of every identity label, instance also without its port, and not the scrape job', () => {
    const labels = { alertname: 'HostDown', severity: 'critical', instance: 'web-1:9100', hostname: 'web-1', node: 'k8s-node-7', job: 'node' };
    expect(deviceNameCandidates(labels)).toEqual(['web-1:9100', 'web-1', 'k8s-node-7']);
  });
});
