import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderScrapeConfig } from './scrape-config';

describe('renderScrapeConfig', () => {
  it('writes one static job per target with its labels', () => {
    const rendered = parseYaml(
      renderScrapeConfig(
        [
          { job: 'node', address: '127.0.0.1:9100', labels: { service: 'sre-platform-host', device: 'laptop' } },
          { job: 'control-plane', address: '127.0.0.1:8080', labels: { service: 'control-plane' } },
        ],
        '15s',
      ),
    );
    expect(rendered).toEqual({
      global: { scrape_interval: '15s', scrape_timeout: '15s' },
      scrape_configs: [
        { job_name: 'node', static_configs: [{ targets: ['127.0.0.1:9100'], labels: { service: 'sre-platform-host', device: 'laptop' } }] },
        { job_name: 'control-plane', static_configs: [{ targets: ['127.0.0.1:8080'], labels: { service: 'control-plane' } }] },
      ],
    });
  });

  it('refuses two targets under one job name, which the scraper would reject', () => {
    const target = { job: 'node', address: '127.0.0.1:9100', labels: {} };
    expect(() => renderScrapeConfig([target, { ...target, address: '127.0.0.1:9101' }], '15s')).toThrow(/own job name/);
  });
});
