import { stringify as stringifyYaml } from 'yaml';

export interface ScrapeTarget {
  job: string;
  /** host:port */
  address: string;
  labels: Record<string, string>;
}

/** A -promscrape.config file: one job per target, scraped every `interval`. */
export function renderScrapeConfig(targets: ScrapeTarget[], interval: string): string {
  const jobs = new Set(targets.map((target) => target.job));
  if (jobs.size !== targets.length) throw new Error('each scrape target needs its own job name');
  return stringifyYaml({
    global: { scrape_interval: interval, scrape_timeout: interval },
    scrape_configs: targets.map((target) => ({
      job_name: target.job,
      static_configs: [{ targets: [target.address], labels: target.labels }],
    })),
  });
}
