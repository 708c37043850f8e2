import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAlertmanager, type RunningAlertmanager } from '../../../../test/alertmanager';
import { startControlPlane, type ControlPlaneUnderTest } from '../../test/harness';

describe('a real Alertmanager delivering to the intake', () => {
  let controlPlane: ControlPlaneUnderTest;
  let alertmanager: RunningAlertmanager;

  const waitForAlert = async (predicate: (rows: Array<{ status: string; ends_at: Date | null }>) => boolean) => {
    for (let waited = 0; waited < 15_000; waited += 200) {
      const rows = await controlPlane.database.db.selectFrom('alerts').select(['status', 'ends_at', 'labels', 'fingerprint', 'receiver']).execute();
      if (predicate(rows)) return rows;
      await sleep(200);
    }
    throw new Error('Alertmanager did not deliver in time');
  };

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    alertmanager = await startAlertmanager({ webhookUrl: `${controlPlane.url}/api/v1/alerts/alertmanager`, bearerToken: controlPlane.webhookToken });
  });
  afterAll(async () => {
    await alertmanager?.stop();
    await controlPlane?.close();
  });

  it('stores the firing alert Alertmanager sends, then closes it on resolution', async () => {
    const startsAt = new Date(Date.now() - 30_000).toISOString();
    const labels = { alertname: 'HostHighCpu', instance: 'web-1:9100', severity: 'critical' };
    await alertmanager.postAlerts([{ labels, annotations: { summary: 'CPU above 90 %' }, startsAt }]);

    const firing = await waitForAlert((rows) => rows.length === 1);
    expect(firing).toEqual([
      expect.objectContaining({ status: 'firing', ends_at: null, receiver: 'sre-platform', labels, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) }),
    ]);

    await alertmanager.postAlerts([{ labels, startsAt, endsAt: new Date().toISOString() }]);
    const closed = await waitForAlert((rows) => rows[0]?.status === 'resolved');
    expect(closed).toHaveLength(1);
    expect(closed[0]!.ends_at).toBeInstanceOf(Date);
  });
});
