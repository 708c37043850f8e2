import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishTask, insertAnalysis, insertTask, insertTaskEvent, narrative, runFigures, toolCall } from '../../test/agent-records';
import { startControlPlaneWithAssistant, type AssistantDouble } from '../../test/assistant-double';
import type { ControlPlaneUnderTest } from '../../test/harness';
import { answerPanelId } from './ask.views';

type Session = { cookie: string; csrfToken: string; userId: string };

const script = '<script>alert(1)</script>';

/** The text a person reads, roughly: tags become spaces, entities are decoded, runs of white space collapse. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ')
    .trim();
const count = (html: string, testId: string) => html.split(`data-testid="${testId}"`).length - 1;
const fieldErrorsOf = (html: string) => Object.fromEntries([...html.matchAll(/<span id="ask-(\w+)-error"[^>]*>(.*?)<\/span>/gs)].map(([, field, message]) => [field, textOf(message!)]));
const textareaOf = (html: string) => textOf(html.match(/<textarea[^>]*name="question"[^>]*>(.*?)<\/textarea>/s)?.[1] ?? '');

describe('the Ask page', () => {
  let controlPlane: ControlPlaneUnderTest;
  let assistant: AssistantDouble;
  let viewer: Session;
  let olga: Session;
  let otherOperator: Session;
  let deviceId: string;
  let alertId: string;

  const db = () => controlPlane.database.db;
  const get = async (path: string, who: Session, options: { fragment?: boolean } = {}) => {
    const headers: Record<string, string> = { cookie: who.cookie };
    if (options.fragment) headers['hx-request-type'] = 'partial';
    const response = await fetch(`${controlPlane.url}${path}`, { headers, redirect: 'manual' });
    return { status: response.status, html: await response.text() };
  };
  const ask = async (who: Session, fields: Record<string, string>, options: { csrf?: boolean } = {}) => {
    const body = new URLSearchParams({ question: '', alertId: '', deviceId: '', from: '', to: '', ...fields });
    if (options.csrf !== false) body.set('_csrf', who.csrfToken);
    const response = await fetch(`${controlPlane.url}/ask`, { method: 'POST', headers: { cookie: who.cookie }, body, redirect: 'manual' });
    return { status: response.status, html: await response.text(), location: response.headers.get('location') };
  };
  const executeTasks = () => db().selectFrom('diagnosis_tasks').selectAll().where('kind', '=', 'execute').orderBy('created_at').execute();
  const audits = (action: string) => db().selectFrom('audit_log').select(['actor', 'actor_type', 'target_type', 'target_id', 'details']).where('action', '=', action).orderBy('id').execute();

  beforeAll(async () => {
    ({ controlPlane, assistant } = await startControlPlaneWithAssistant());
    viewer = await controlPlane.sessionFor(['viewer']);
    olga = await controlPlane.sessionFor(['operator']);
    otherOperator = await controlPlane.sessionFor(['admin']);
    await db().updateTable('users').set({ email: 'olga@example.com' }).where('id', '=', olga.userId).execute();
    deviceId = (await db().insertInto('devices').values({ name: 'web-1', kind: 'host', labels: {} }).returning('id').executeTakeFirstOrThrow()).id;
    alertId = (
      await db()
        .insertInto('alerts')
        .values({ fingerprint: 'ab12', status: 'firing', labels: { alertname: 'CheckoutSlow', instance: 'web-1:9100' }, starts_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await assistant?.close();
    await controlPlane?.close();
  });

  it('offers operators the form, with the inventory to choose from; viewers get neither the page nor its link', async () => {
    expect((await get('/ask', viewer)).status).toBe(403);
    expect((await get('/devices', viewer)).html).not.toContain('href="/ask"');
    expect((await get('/devices', olga)).html).toContain('<a href="/ask" class="text-slate-300 hover:text-white">Ask</a>');

    const { status, html } = await get('/ask', olga);
    expect(status).toBe(200);
    expect(html).toContain('<a href="/ask" class="text-white underline underline-offset-4" aria-current="page">Ask</a>');
    expect(html).toContain('<form method="post" action="/ask"');
    expect(html).toContain(`<input type="hidden" name="_csrf" value="${olga.csrfToken}"/>`);
    expect(html).toMatch(/<textarea id="ask-question" name="question"[^>]* rows="5" maxlength="2000" required/);
    expect(html).toContain(`<option value="${deviceId}">web-1 (host)</option>`);
    expect(html).toContain('You have not asked anything yet.');

    // A link from an alert or a device may fill the context in; anything else is ignored.
    const prefilled = await get(`/ask?alertId=${alertId}&deviceId=${deviceId}`, olga);
    expect(prefilled.html).toContain(`value="${alertId}"`);
    expect(prefilled.html).toContain(`<option value="${deviceId}" selected>web-1 (host)</option>`);
    expect((await get('/ask?alertId=%3Cscript%3E', olga)).html).not.toContain('<script>');
  });

  it('asks the assistant with the context given, audits it, and shows the question with its live progress', async () => {
    const question = `Why is checkout slow since 14:00? ${script}`;
    const asked = await ask(olga, { question, alertId, deviceId, from: '2026-03-01T14:00', to: '2026-03-01T15:00' });
    expect(asked.status).toBe(303);
    const [task] = await executeTasks();
    expect(asked.location).toBe(`/ask/${task!.id}`);
    expect(task).toMatchObject({ kind: 'execute', status: 'queued', requested_by: 'olga@example.com', alert_id: alertId });
    const context = { alertId, deviceId, timeRange: { from: '2026-03-01T14:00:00.000Z', to: '2026-03-01T15:00:00.000Z' } };
    expect(assistant.receivedQuestions).toEqual([
      { body: { question, context, requestedBy: 'olga@example.com' }, clientId: 'control-plane', scopes: expect.arrayContaining(['assistant.execute']) },
    ]);
    expect(await audits('execute.requested')).toEqual([
      { actor: olga.userId, actor_type: 'user', target_type: 'diagnosis_task', target_id: task!.id, details: { question, context, requestedBy: 'olga@example.com' } },
    ]);

    const page = await get(asked.location!, olga);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('<script>alert');
    expect(textOf(page.html.match(/data-testid="question-text">(.*?)<\/p>/s)![1]!)).toBe(question);
    expect(page.html).toContain(`<a class="text-sky-700 hover:underline" href="/alerts/${alertId}">CheckoutSlow</a>`);
    expect(page.html).toContain(`<a class="text-sky-700 hover:underline" href="/devices/${deviceId}">web-1</a>`);
    expect(textOf(page.html)).toContain('Time range 2026-03-01 14:00:00 UTC → 2026-03-01 15:00:00 UTC');
    expect(page.html).toContain(`<section id="${answerPanelId}"`);
    expect(page.html).toContain(`hx-get="/ask/${task!.id}"`);
    expect(page.html).toContain('hx-trigger="load delay:1s"');
    expect(textOf(page.html)).toMatch(/Waiting for the assistant for \d+ s\./);

    // The panel polls its own URL; htmx gets the panel alone, with the agent's steps as they are written.
    await db().updateTable('diagnosis_tasks').set({ status: 'running', started_at: new Date() }).where('id', '=', task!.id).execute();
    await insertTaskEvent(db(), task!.id, { type: 'thinking', step: 1 });
    await insertTaskEvent(db(), task!.id, { type: 'tool_call', record: toolCall('T1', { tool: 'get_device', summary: 'web-1, a host' }) });
    const running = await get(`/ask/${task!.id}`, olga, { fragment: true });
    expect(running.html.startsWith(`<section id="${answerPanelId}"`)).toBe(true);
    expect(running.html).toContain('data-status="running"');
    expect([...running.html.matchAll(/data-testid="task-event" data-type="(\w+)">(.*?)<\/li>/gs)].map(([, , line]) => textOf(line!))).toEqual([
      'Thinking (step 1)',
      'T1 get_device — web-1, a host',
    ]);

    // A question about an alert carries the deterministic ranking too: both are shown, the narrative under it.
    await finishTask(db(), task!.id, 'succeeded');
    await insertAnalysis(db(), task!.id, { alertId, summary: 'Most likely cause: CPU on web-1.', narrative: narrative(), transcript: [toolCall('T1')], agent: runFigures() });
    const done = await get(`/ask/${task!.id}`, olga, { fragment: true });
    expect(done.html).toContain('data-status="succeeded"');
    expect(done.html).not.toContain('hx-trigger');
    expect(count(done.html, 'task-event')).toBe(0);
    const text = textOf(done.html);
    expect(text.indexOf('Most likely cause: CPU on web-1.')).toBeGreaterThan(-1);
    expect(text.indexOf('Load on db-1 rose sharply at 00:50.')).toBeGreaterThan(text.indexOf('Most likely cause: CPU on web-1.'));
    expect(done.html).toContain('href="#tool-call-T1"');
  });

  it('shows the answer to a question about no alert as the narrative alone, and lists each asker their own questions', async () => {
    const first = await ask(otherOperator, { question: 'Is web-1 healthy?' });
    const second = await ask(otherOperator, { question: `Did the deploy at 03:05 break checkout?\nIt was release 42. ${script}` });
    const taskId = second.location!.replace('/ask/', '');
    expect(assistant.receivedQuestions.at(-1)!.body).toEqual({ question: `Did the deploy at 03:05 break checkout?\nIt was release 42. ${script}`, requestedBy: 'Test admin' });

    await finishTask(db(), taskId, 'succeeded');
    await insertAnalysis(db(), taskId, { summary: 'The deploy did not break checkout.', narrative: narrative({ summary: { text: 'The deploy did not break checkout.', evidence: ['T1'], rejectedEvidence: [], grounded: true } }), transcript: [toolCall('T1')], agent: runFigures() });
    const page = await get(second.location!, otherOperator);
    expect(count(page.html, 'narrative-summary')).toBe(1);
    expect(page.html).not.toContain('No metric moved enough'); // no ranking ran, so none is reported
    expect(page.html).not.toContain('engine deterministic');
    expect(count(page.html, 'question-context')).toBe(0);

    const listed = (html: string) => [...html.matchAll(/data-testid="recent-question">(.*?)<\/li>/gs)].map(([, item]) => textOf(item!));
    const mine = await get('/ask', otherOperator);
    expect(listed(mine.html)).toEqual([
      expect.stringMatching(/^succeeded Did the deploy at 03:05 break checkout\? … \d{4}-\d\d-\d\d [\d:]+ UTC$/),
      expect.stringMatching(/^queued Is web-1 healthy\? /),
    ]);
    expect(mine.html).toContain(`href="${first.location}"`);
    expect(listed((await get('/ask', olga)).html)).toEqual([expect.stringMatching(/^succeeded Why is checkout slow since 14:00\? <script>alert\(1\)<\/script> /)]);
  });

  it('checks the form on the server, says what is wrong, and keeps what was typed', async () => {
    const before = assistant.receivedQuestions.length;
    const blank = await ask(olga, { question: ' \n ' });
    expect(blank.status).toBe(422);
    expect(count(blank.html, 'ask-invalid')).toBe(1);
    expect(fieldErrorsOf(blank.html)).toEqual({ question: 'write a question' });

    const tooLong = await ask(olga, { question: `${script}${'x'.repeat(2000)}` });
    expect(tooLong.status).toBe(422);
    expect(fieldErrorsOf(tooLong.html)).toEqual({ question: 'at most 2,000 characters' });
    expect(textareaOf(tooLong.html)).toBe(`${script}${'x'.repeat(2000)}`);
    expect(tooLong.html).not.toContain('<script>alert');

    const badContext = await ask(olga, { question: `Why? ${script}`, alertId: 'alert-7', from: '2026-03-01T14:00', to: '2026-03-01T13:00' });
    expect(badContext.status).toBe(422);
    expect(fieldErrorsOf(badContext.html)).toEqual({ alertId: expect.stringContaining('an alert id looks like'), to: 'must not be before the start' });
    expect(textareaOf(badContext.html)).toBe(`Why? ${script}`);
    expect(badContext.html).toContain('value="alert-7"');
    expect(badContext.html).toContain('value="2026-03-01T14:00"');

    // Well-formed ids that name nothing are caught before the assistant is asked.
    const unknown = '00000000-0000-4000-8000-000000000000';
    const missing = await ask(olga, { question: 'Why?', alertId: unknown, deviceId: unknown });
    expect(missing.status).toBe(422);
    expect(fieldErrorsOf(missing.html)).toEqual({ alertId: 'no alert has this id', deviceId: 'this device is no longer in the inventory' });
    expect(missing.html).toContain(`value="${unknown}"`);
    expect(assistant.receivedQuestions).toHaveLength(before);
  });

  it('refuses viewers and posts without the CSRF token, asking nothing', async () => {
    const before = { questions: assistant.receivedQuestions.length, tasks: (await executeTasks()).length, audits: (await audits('execute.requested')).length };
    expect((await ask(viewer, { question: 'Why?' })).status).toBe(403);
    const withoutToken = await ask(olga, { question: 'Why?' }, { csrf: false });
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.html).toContain('did not come from this site');
    expect(assistant.receivedQuestions).toHaveLength(before.questions);
    expect(await executeTasks()).toHaveLength(before.tasks);
    expect(await audits('execute.requested')).toHaveLength(before.audits);
  });

  it('says what went wrong when the assistant is down or refuses, keeping the question and auditing the failure', async () => {
    const question = `What changed on web-1? ${script}`;
    const tasksBefore = (await executeTasks()).length;
    await assistant.behave('down');
    let down;
    try {
      down = await ask(olga, { question, deviceId });
    } finally {
      await assistant.behave('accepting');
    }
    expect(down.status).toBe(503);
    expect(textOf(down.html)).toContain(`The question could not be asked The assistant at ${assistant.url} is unreachable. Nothing was queued. Your question is kept below; try again in a moment.`);
    expect(textareaOf(down.html)).toBe(question);
    expect(down.html).toContain(`<option value="${deviceId}" selected>web-1 (host)</option>`);

    await assistant.behave('rejecting');
    const rejected = await ask(olga, { question });
    await assistant.behave('failing');
    const failing = await ask(olga, { question });
    await assistant.behave('accepting');
    expect(rejected.status).toBe(503);
    expect(textOf(rejected.html)).toContain(
      'The assistant rejected the request (400): question Too big: expected string to have <=200 characters. Nothing was queued, and asking again will not help until this is fixed.',
    );
    expect(textareaOf(rejected.html)).toBe(question);
    expect(failing.status).toBe(503);
    expect(textOf(failing.html)).toContain('The assistant failed (503).');
    for (const page of [down.html, rejected.html, failing.html]) expect(page).not.toMatch(/\n\s+at |Error:/);

    expect(await executeTasks()).toHaveLength(tasksBefore);
    expect((await audits('execute.request_failed')).map((entry) => [entry.actor, entry.target_type, entry.details])).toEqual([
      [olga.userId, null, { kind: 'unreachable', retryable: true, message: `the assistant at ${assistant.url} is unreachable`, question, context: { deviceId }, requestedBy: 'olga@example.com' }],
      [olga.userId, null, expect.objectContaining({ kind: 'client', retryable: false, message: 'the assistant rejected the request (400): question Too big: expected string to have <=200 characters' })],
      [olga.userId, null, expect.objectContaining({ kind: 'server', retryable: true, message: 'the assistant failed (503)' })],
    ]);
  });

  it('answers 404 for an unknown question, an id that is not one, and a task that is not a question', async () => {
    const alertTask = await insertTask(db(), { kind: 'alert', alertId, status: 'succeeded' });
    for (const path of ['/ask/00000000-0000-4000-8000-000000000000', '/ask/not-a-uuid', `/ask/${alertTask}`]) {
      expect((await get(path, olga)).status, path).toBe(404);
      const fragment = await get(path, olga, { fragment: true });
      expect(fragment.status, path).toBe(404);
      expect(fragment.html).toContain('the question was not found');
    }
  });
});
