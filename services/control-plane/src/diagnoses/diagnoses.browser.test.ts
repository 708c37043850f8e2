import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../../test/browser';
import { firing, webhookBody } from '../../test/alertmanager-payloads';
import { startControlPlaneWithAssistant, type AssistantDouble } from '../../test/assistant-double';
import type { ControlPlaneUnderTest } from '../../test/harness';

describe('in a real browser: diagnose an alert and watch the panel fill in', () => {
  let controlPlane: ControlPlaneUnderTest;
  let assistant: AssistantDouble;
  let browser: Browser;

  beforeAll(async () => {
    ({ controlPlane, assistant } = await startControlPlaneWithAssistant());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await assistant?.close();
    await controlPlane?.close();
  });

  it('an operator presses Diagnose; the panel polls itself from queued to the finished analysis', async () => {
    const response = await fetch(`${controlPlane.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${controlPlane.webhookToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(webhookBody([firing('a1', '2026-11-22T01:00:00Z', { severity: 'warning' })])),
    });
    expect(response.status).toBe(200);
    const { id: alertId } = await controlPlane.database.db.selectFrom('alerts').select('id').executeTakeFirstOrThrow();

    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      // The refused request's 503 is logged by Chromium as a failed resource load; anything else is a fault.
      if (message.type() === 'error' && !message.text().includes('status of 503')) consoleErrors.push(message.text());
    });
    await page.goto(`${controlPlane.url}/auth/login?returnTo=/alerts/${alertId}`);
    await page.getByLabel('Username').fill('operator');
    await page.getByLabel('Password').fill('operator');
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(`${controlPlane.url}/alerts/${alertId}`);
    await page.evaluate(() => document.body.setAttribute('data-same-document', 'yes'));

    // The assistant is down: htmx swaps the 503 panel in, saying so, and the button stays.
    await assistant.behave('down');
    await page.getByTestId('diagnose-button').click();
    await expect.poll(() => page.getByTestId('diagnosis-refused').isVisible()).toBe(true);
    expect(await page.getByTestId('diagnosis-refused').textContent()).toContain('is unreachable');
    await assistant.behave('accepting');

    await page.getByTestId('diagnose-button').click();
    await expect.poll(() => page.getByTestId('diagnosis-panel').getAttribute('data-status')).toBe('queued');
    expect(await page.getByTestId('diagnosis-refused').count()).toBe(0);
    expect(assistant.received).toEqual([expect.objectContaining({ alertId, requestedBy: 'operator@example.test' })]);

    // The assistant's worker finishes: the panel, polling every second, shows the result.
    const task = await controlPlane.database.db.selectFrom('diagnosis_tasks').select('id').where('alert_id', '=', alertId).executeTakeFirstOrThrow();
    await controlPlane.database.db.updateTable('diagnosis_tasks').set({ status: 'succeeded', started_at: new Date(), completed_at: new Date() }).where('id', '=', task.id).execute();
    await controlPlane.database.db
      .insertInto('ai_analyses')
      .values({
        task_id: task.id,
        alert_id: alertId,
        kind: 'alert',
        status: 'completed',
        summary: 'CPU saturation on web-1 <b>now</b>',
        hypotheses: JSON.stringify([]),
        evidence: JSON.stringify([]),
        engine: 'deterministic-v1',
        completed_at: new Date(),
      })
      .execute();
    await expect.poll(() => page.getByTestId('diagnosis-panel').getAttribute('data-status'), { timeout: 5_000 }).toBe('succeeded');
    expect(await page.getByTestId('diagnosis-summary').textContent()).toBe('CPU saturation on web-1 <b>now</b>');
    expect(await page.getByTestId('diagnose-button').textContent()).toContain('Diagnose again');
    expect(await page.evaluate(() => document.body.getAttribute('data-same-document'))).toBe('yes');
    expect(consoleErrors).toEqual([]);
  });
});
