import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../../test/browser';
import { finishTask, insertAnalysis, insertTaskEvent, narrative, runFigures, toolCall } from '../../test/agent-records';
import { startControlPlaneWithAssistant, type AssistantDouble } from '../../test/assistant-double';
import type { ControlPlaneUnderTest } from '../../test/harness';

describe('in a real browser: ask a question and watch it answered', () => {
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

  it('an operator asks; the steps appear as the assistant records them, then the grounded answer', async () => {
    const db = controlPlane.database.db;
    const { id: deviceId } = await db.insertInto('devices').values({ name: 'web-1', kind: 'host', labels: {} }).returning('id').executeTakeFirstOrThrow();

    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(`${controlPlane.url}/auth/login?returnTo=/ask`);
    await page.getByLabel('Username').fill('operator');
    await page.getByLabel('Password').fill('operator');
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(`${controlPlane.url}/ask`);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ask' }).getAttribute('aria-current')).toBe('page');

    await page.getByLabel('Question').fill('Why is web-1 slow since 14:00?');
    await page.getByLabel('Device').selectOption({ label: 'web-1 (host)' });
    await page.getByLabel('From').fill('2026-03-01T14:00');
    await page.getByLabel('To').fill('2026-03-01T15:00');
    await page.getByTestId('ask-button').click();
    await page.waitForURL(/\/ask\/[0-9a-f-]{36}$/);
    const taskId = new URL(page.url()).pathname.split('/').at(-1)!;
    expect(assistant.receivedQuestions.map((request) => request.body)).toEqual([
      {
        question: 'Why is web-1 slow since 14:00?',
        context: { deviceId, timeRange: { from: '2026-03-01T14:00:00.000Z', to: '2026-03-01T15:00:00.000Z' } },
        requestedBy: 'operator@example.test',
      },
    ]);
    expect(await page.getByTestId('question-text').textContent()).toBe('Why is web-1 slow since 14:00?');
    expect(await page.getByTestId('answer-panel').getAttribute('data-status')).toBe('queued');
    await page.evaluate(() => document.body.setAttribute('data-same-document', 'yes'));

    // The assistant's worker picks the task up and records its steps; the panel, polling every second, follows.
    const steps = () => page.getByTestId('task-event').allTextContents();
    await db.updateTable('diagnosis_tasks').set({ status: 'running', started_at: new Date() }).where('id', '=', taskId).execute();
    await insertTaskEvent(db, taskId, { type: 'thinking', step: 1 });
    await expect.poll(steps, { timeout: 5_000 }).toEqual(['Thinking (step 1)']);
    await insertTaskEvent(db, taskId, { type: 'tool_call', record: toolCall('T1', { summary: 'node_load1 rose from 0.4 to 7.9 <b>at 14:02</b>' }) });
    await expect.poll(steps, { timeout: 5_000 }).toEqual(['Thinking (step 1)', 'T1 query_metrics_range — node_load1 rose from 0.4 to 7.9 <b>at 14:02</b>']);
    await insertTaskEvent(db, taskId, { type: 'answering' });
    await expect.poll(steps, { timeout: 5_000 }).toHaveLength(3);
    expect((await steps()).at(-1)).toBe('Writing the answer');

    await finishTask(db, taskId, 'succeeded');
    await insertAnalysis(db, taskId, {
      summary: 'web-1 is CPU bound since 14:02.',
      narrative: narrative({
        summary: { text: 'web-1 is CPU bound since 14:02.', evidence: ['T1'], rejectedEvidence: [], grounded: true },
        hypotheses: [{ text: 'A deploy changed the request mix.', evidence: [], rejectedEvidence: ['T4'], grounded: false, entity: 'web-1', confidence: 0.3 }],
        nextSteps: [{ action: 'Compare request rates before and after 14:00', rationale: 'the load rose with them' }],
      }),
      transcript: [toolCall('T1', { summary: 'node_load1 rose from 0.4 to 7.9 <b>at 14:02</b>' })],
      agent: runFigures({ groundingRejections: 2, toolCalls: 1 }),
    });
    await expect.poll(() => page.getByTestId('answer-panel').getAttribute('data-status'), { timeout: 5_000 }).toBe('succeeded');
    expect(await page.getByTestId('task-event').count()).toBe(0);
    expect(await page.getByTestId('narrative-summary').getByTestId('claim-text').textContent()).toBe('web-1 is CPU bound since 14:02.');
    expect(await page.getByTestId('narrative-hypothesis').getAttribute('data-supported')).toBe('false');
    expect(await page.getByTestId('narrative-hypothesis').getByTestId('unsupported').isVisible()).toBe(true);
    expect(await page.getByTestId('next-steps').textContent()).toContain('nothing here runs automatically');
    expect(await page.getByTestId('agent-figures').textContent()).toContain('2 grounding rejections');

    // A claim's evidence is a link to its tool call in the list below.
    await page.getByTestId('narrative-summary').getByTestId('evidence-link').click();
    expect(await page.evaluate(() => window.location.hash)).toBe('#tool-call-T1');
    expect(await page.evaluate(() => document.querySelector(':target')?.getAttribute('data-testid'))).toBe('tool-call');
    expect(await page.locator('#tool-call-T1').getByTestId('tool-call-summary').textContent()).toBe('node_load1 rose from 0.4 to 7.9 <b>at 14:02</b>');
    expect(await page.evaluate(() => document.body.getAttribute('data-same-document'))).toBe('yes');

    // Back on the Ask page, the question is listed with how it ended.
    await page.getByRole('link', { name: '← Ask another question' }).click();
    await page.waitForURL(`${controlPlane.url}/ask`);
    expect(await page.getByTestId('recent-question').allTextContents()).toEqual([expect.stringMatching(/^succeededWhy is web-1 slow since 14:00\?/)]);
    expect(consoleErrors).toEqual([]);
  });
});
