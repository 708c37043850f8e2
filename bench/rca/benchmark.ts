// `npm run bench:rca`'s engine: a whole dataset through the platform, scored. Starts what it
// needs (embedded PostgreSQL, VictoriaMetrics unless a URL is given, both services as
// processes with the automatic diagnosis policy on) and stops it all afterwards.
import { randomBytes } from 'node:crypto';
import { createDb } from '@sre/db';
import { platformEnvironment, startServiceProcess } from '../../test/services';
import { startBenchDatabase, startBenchVictoriaMetrics, startedServers } from '../support';
import type { Dataset, TimeMode } from './case';
import { evaluate, type Evaluation } from './evaluation';
import { registerGraph } from './inventory';
import { readNezha } from './nezha';
import { readPetshop } from './petshop';
import { runCase, type CaseRun } from './run-case';

export interface BenchmarkOptions {
  dataset: string;
  format: Dataset['format'];
  timeMode: TimeMode;
  /** An existing VictoriaMetrics (it must accept samples from the last weeks); started here when absent. */
  victoriaMetricsUrl?: string;
  /** Run only the first N cases (fault and normal alike), for quick checks. */
  limit?: number;
  /** Windows without a fault per day or scenario, for specificity. */
  normalPerGroup?: number;
  /** How many minutes of each case after the alert are loaded (default 5): 1 is a diagnosis run as the alert arrives. */
  minutesAfterAlert?: number;
  progress?: (message: string) => void;
}

// What a diagnosis run (or run again) a few minutes after the alert sees.
const defaultMinutesAfterAlert = 5;

/** Reads the dataset, runs every case through the platform and scores the answers. */
export async function runBenchmark(options: BenchmarkOptions): Promise<Evaluation> {
  const say = options.progress ?? (() => {});
  const minutesAfterAlert = options.minutesAfterAlert ?? defaultMinutesAfterAlert;
  const reader = options.format === 'nezha' ? readNezha : readPetshop;
  const data = await reader(options.dataset, { normalPerGroup: options.normalPerGroup });
  // Grouped so that the inventory is registered once per group; the order inside is the reader's.
  const cases = [...data.cases].sort((a, b) => a.group.localeCompare(b.group)).slice(0, options.limit ?? data.cases.length);
  say(`${cases.length} cases from ${data.groups.size} groups in ${options.dataset}`);

  const servers = startedServers('bench:rca');
  try {
    const database = await servers.add(startBenchDatabase());
    const victoriaMetricsUrl = options.victoriaMetricsUrl ?? (await servers.add(startBenchVictoriaMetrics())).url;
    const webhookToken = randomBytes(24).toString('hex');
    const platform = await platformEnvironment({ databaseUrl: database.url, victoriaMetricsUrl, webhookToken, autoDiagnoseSeverities: 'critical' });
    await servers.add(startServiceProcess('control-plane', platform.controlPlane.url, platform.controlPlane.env));
    await servers.add(startServiceProcess('sre-assistant', platform.assistant.url, platform.assistant.env));

    const db = createDb({ connectionString: database.url, maxConnections: 2 });
    servers.onStop(() => db.destroy());
    const context = { db, victoriaMetricsUrl, controlPlaneUrl: platform.controlPlane.url, webhookToken, componentOf: new Map<string, string>(), runId: randomBytes(5).toString('hex'), secondsAfterAlert: minutesAfterAlert * 60 };
    const runs: CaseRun[] = [];
    let registeredGroup: string | undefined;
    for (const [slot, rcaCase] of cases.entries()) {
      const group = data.groups.get(rcaCase.group)!;
      if (registeredGroup !== group.id) {
        context.componentOf = await registerGraph(db, group.graph);
        registeredGroup = group.id;
      }
      const run = await runCase(context, rcaCase, group, slot, options.timeMode);
      runs.push(run);
      say(`${run.id}: ${run.error ? `FAILED ${run.error}` : `${run.verdict} ${run.ranking.slice(0, 3).join(' > ')} (${run.latencyMs} ms)`}`);
    }
    return evaluate(options.dataset, data, options.timeMode, runs, minutesAfterAlert);
  } finally {
    await servers.stopAll();
  }
}
