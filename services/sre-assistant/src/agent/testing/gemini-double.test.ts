// The double is only worth something if the real SDK cannot tell it from Gemini, so every
// behaviour here is driven through @google/genai itself, and the wire details the SDK hides
// (SSE framing, error bodies, headers) are checked with plain fetch.
import { ApiError, GoogleGenAI, Type, type GenerateContentResponse, type HttpOptions } from '@google/genai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGeminiDouble, type GeminiDouble } from './gemini-double';

const apiKey = 'test-gemini-key';
const model = 'gemini-2.5-flash';

describe('gemini double', () => {
  let double: GeminiDouble;

  beforeEach(async () => {
    double = await startGeminiDouble();
  });
  afterEach(async () => {
    await double.stop();
  });

  // attempts: 1 turns the SDK's own retries off (3.1.0 retries only when retryOptions is given, up to 5 attempts by default).
  const clientFor = (options: { key?: string; httpOptions?: HttpOptions } = {}) =>
    new GoogleGenAI({ apiKey: options.key ?? apiKey, httpOptions: { baseUrl: double.url, retryOptions: { attempts: 1 }, ...options.httpOptions } });

  const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => expect.fail('expected the call to be rejected'),
      (error: unknown) => error,
    );

  const apiErrorOf = async (promise: Promise<unknown>): Promise<{ status: number; body: { error: { code: number; message: string; status: string; details?: Array<Record<string, unknown>> } } }> => {
    const error = await rejectionOf(promise);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    // The SDK puts the JSON error body it received into the message.
    return { status: apiError.status, body: JSON.parse(apiError.message) as never };
  };

  const collect = async (stream: AsyncGenerator<GenerateContentResponse>): Promise<GenerateContentResponse[]> => {
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  };

  const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': apiKey }) =>
    fetch(`${double.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  const minimalRequest = { contents: [{ role: 'user', parts: [{ text: 'hello' }] }] };

  it('answers generateContent with the scripted text, as the model', async () => {
    double.script({ kind: 'content', parts: [{ text: 'CPU saturation on db-1 explains the latency.' }] });

    const response = await clientFor().models.generateContent({ model, contents: 'Why is checkout slow?' });

    expect(response.text).toBe('CPU saturation on db-1 explains the latency.');
    expect(response.candidates?.[0]).toMatchObject({ content: { role: 'model' }, finishReason: 'STOP', index: 0 });
    expect(response.modelVersion).toBe(model);
    expect(response.responseId).toMatch(/^[\w-]{16,}$/);
    expect(double.requests).toEqual([
      {
        method: 'POST',
        path: `/v1/models/${model}:generateContent`,
        model,
        stream: false,
        query: {},
        apiKeyValid: true,
        body: { contents: [{ role: 'user', parts: [{ text: 'Why is checkout slow?' }] }] },
      },
    ]);
  });

  it('answers with function calls that the SDK exposes as functionCalls', async () => {
    double.script({
      kind: 'content',
      parts: [
        { functionCall: { name: 'query_metrics', args: { query: 'up{job="api"}', rangeMinutes: 30 } } },
        { functionCall: { name: 'list_recent_changes', args: { service: 'api' }, id: 'call-2' } },
      ],
    });

    const response = await clientFor().models.generateContent({ model, contents: 'Diagnose the api alert.' });

    expect(response.functionCalls).toEqual([
      { name: 'query_metrics', args: { query: 'up{job="api"}', rangeMinutes: 30 } },
      { name: 'list_recent_changes', args: { service: 'api' }, id: 'call-2' },
    ]);
  });

  it('sends the scripted usage, completing the total as Gemini counts it', async () => {
    double.script({ kind: 'content', parts: [{ text: 'ok' }], usage: { promptTokenCount: 1200, candidatesTokenCount: 80, thoughtsTokenCount: 300 } });

    const response = await clientFor().models.generateContent({ model, contents: 'hello' });

    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 1200, candidatesTokenCount: 80, thoughtsTokenCount: 300, totalTokenCount: 1580 });
  });

  it('estimates usage at four characters a token when none is scripted', async () => {
    double.script({ kind: 'content', parts: [{ text: 'a'.repeat(40) }, { functionCall: { name: 'abcd', args: {} } }] });

    const response = await clientFor().models.generateContent({
      model,
      contents: 'p'.repeat(400),
      config: { systemInstruction: 's'.repeat(100) },
    });

    // Prompt: 400 + 100 characters of text and the SDK's two role words "user" → 508 / 4; candidates: 40 + "abcd" + "{}" → 46 / 4.
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 127, candidatesTokenCount: 12, totalTokenCount: 139 });
  });

  it('streams text in several SSE chunks that concatenate to the scripted text, usage complete on the last', async () => {
    const text = 'Latency rose at 14:02 when the deploy of api v2.3 finished. Error rates followed a minute later. Rolling back is the fastest fix.';
    double.script({ kind: 'content', parts: [{ text }], usage: { promptTokenCount: 500, candidatesTokenCount: 32 } });

    const chunks = await collect(await clientFor().models.generateContentStream({ model, contents: 'What happened?' }));

    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual([...Array<undefined>(chunks.length - 1), 'STOP']);
    expect(chunks.at(-1)?.usageMetadata).toMatchObject({ promptTokenCount: 500, candidatesTokenCount: 32, totalTokenCount: 532 });
    // Earlier chunks carry running totals, as Gemini's do: only the last one is the call's usage.
    const runningCounts = chunks.map((chunk) => chunk.usageMetadata?.candidatesTokenCount ?? -1);
    expect(runningCounts).toEqual([...runningCounts].sort((left, right) => left - right));
    expect(runningCounts[0]).toBeLessThan(32);
    expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
    expect(double.requests[0]).toMatchObject({ path: `/v1/models/${model}:streamGenerateContent`, stream: true, query: { alt: 'sse' } });
  });

  it('streams function calls whole, after the text before them', async () => {
    double.script({
      kind: 'content',
      parts: [{ text: 'Checking the metrics first.' }, { functionCall: { name: 'query_metrics', args: { query: 'rate(http_requests_total[5m])' } } }],
    });

    const chunks = await collect(await clientFor().models.generateContentStream({ model, contents: 'Why?' }));

    expect(chunks.map((chunk) => chunk.candidates?.[0]?.content?.parts)).toEqual([
      [{ text: 'Checking the metrics first.' }],
      [{ functionCall: { name: 'query_metrics', args: { query: 'rate(http_requests_total[5m])' } } }],
    ]);
    expect(chunks.at(-1)?.functionCalls).toEqual([{ name: 'query_metrics', args: { query: 'rate(http_requests_total[5m])' } }]);
  });

  it('frames stream events as `data: <json>` separated by CRLF CRLF, as Google does', async () => {
    double.script({ kind: 'content', parts: [{ text: 'one two three four five six seven eight nine ten eleven twelve' }] });

    const response = await post(`/v1beta/models/${model}:streamGenerateContent?alt=sse`, minimalRequest);
    const raw = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = raw.split('\r\n\r\n');
    expect(events.pop()).toBe('');
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const event of events) expect(event).toMatch(/^data: \{[^\r\n]*\}$/);
  });

  it('records the request body the SDK builds: contents, tools, system instruction and generation config', async () => {
    double.script({ kind: 'content', parts: [{ text: '{"summary":"disk full"}' }] });
    const responseJsonSchema = { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] };

    await clientFor().models.generateContent({
      model,
      contents: [
        { role: 'user', parts: [{ text: 'Diagnose alert 42.' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_alert', args: { id: 42 } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_alert', response: { status: 'firing' } } }] },
      ],
      config: {
        systemInstruction: 'You are an SRE assistant.',
        tools: [{ functionDeclarations: [{ name: 'get_alert', description: 'Reads one alert.', parameters: { type: Type.OBJECT, properties: { id: { type: Type.INTEGER } } } }] }],
        temperature: 0.2,
        maxOutputTokens: 1024,
        responseMimeType: 'application/json',
        responseJsonSchema,
      },
    });

    expect(double.requests[0]?.body).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Diagnose alert 42.' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_alert', args: { id: 42 } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_alert', response: { status: 'firing' } } }] },
      ],
      systemInstruction: { role: 'user', parts: [{ text: 'You are an SRE assistant.' }] },
      tools: [{ functionDeclarations: [{ name: 'get_alert', description: 'Reads one alert.', parameters: { type: 'OBJECT', properties: { id: { type: 'INTEGER' } } } }] }],
      generationConfig: { temperature: 0.2, maxOutputTokens: 1024, responseMimeType: 'application/json', responseJsonSchema },
    });
  });

  it('passes the recorded request to a reply function, so a reply can depend on it', async () => {
    double.script((request) => ({ kind: 'content', parts: [{ text: `you asked for ${request.model}` }] }));

    const response = await clientFor().models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi' });

    expect(response.text).toBe('you asked for gemini-2.5-pro');
  });

  it('turns a reply function that throws into a 500 naming the request', async () => {
    double.script(() => {
      throw new Error('unexpected tool result');
    });

    const failure = await apiErrorOf(clientFor().models.generateContent({ model, contents: 'hi' }));

    expect(failure.status).toBe(500);
    expect(failure.body.error.message).toBe('gemini double: the scripted reply for request #1 threw: Error: unexpected tool result');
  });

  it('serves replies in the order they were scripted, one per request', async () => {
    double.script({ kind: 'content', parts: [{ text: 'first' }] }, { kind: 'content', parts: [{ text: 'second' }] });
    const client = clientFor();

    const first = await client.models.generateContent({ model, contents: 'a' });
    const second = await client.models.generateContent({ model, contents: 'b' });

    expect([first.text, second.text]).toEqual(['first', 'second']);
  });

  it('surfaces a 429 with retryAfterSeconds as ApiError 429 carrying Google RetryInfo', async () => {
    double.script({ kind: 'error', status: 429, retryAfterSeconds: 7 }, { kind: 'content', parts: [{ text: 'not reached' }] });

    const failure = await apiErrorOf(clientFor().models.generateContent({ model, contents: 'hello' }));

    expect(failure.status).toBe(429);
    expect(failure.body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED', message: expect.stringContaining('Please retry in 7s.') as unknown });
    expect(failure.body.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' });
    // attempts: 1 really turned retries off: the SDK made one request and the next reply is still queued.
    expect(double.requests).toHaveLength(1);
  });

  it('lets the SDK retry a 429 when retries are configured, proving attempts: 1 is what disables them', async () => {
    double.script({ kind: 'error', status: 429, retryAfterSeconds: 1 }, { kind: 'content', parts: [{ text: 'after the retry' }] });
    const client = clientFor({ httpOptions: { retryOptions: { attempts: 2, initialDelay: 0.01, maxDelay: 0.01, jitter: 0 } } });

    const response = await client.models.generateContent({ model, contents: 'hello' });

    expect(response.text).toBe('after the retry');
    expect(double.requests).toHaveLength(2);
  });

  it('sends 429 RetryInfo only in the body: Gemini sends no Retry-After header', async () => {
    double.script({ kind: 'error', status: 429, retryAfterSeconds: 42, message: 'Quota exceeded for quota metric generate_content_free_tier_requests.' });

    const response = await post(`/v1beta/models/${model}:generateContent`, minimalRequest);

    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await response.json()).toEqual({
      error: {
        code: 429,
        message: 'Quota exceeded for quota metric generate_content_free_tier_requests.',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '42s' }],
      },
    });
  });

  it.each([
    [400, 'INVALID_ARGUMENT'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [500, 'INTERNAL'],
    [503, 'UNAVAILABLE'],
  ])('answers a scripted %i with the RPC status %s', async (status, rpcStatus) => {
    double.script({ kind: 'error', status });

    const failure = await apiErrorOf(clientFor().models.generateContentStream({ model, contents: 'hello' }));

    expect(failure.status).toBe(status);
    expect(failure.body.error).toMatchObject({ code: status, status: rpcStatus });
    expect(failure.body.error.message.length).toBeGreaterThan(0);
  });

  it('refuses a wrong API key with Google API_KEY_INVALID, keeping the scripted reply for the next request', async () => {
    double.script({ kind: 'content', parts: [{ text: 'for the right key' }] });

    const failure = await apiErrorOf(clientFor({ key: 'wrong-key-value' }).models.generateContent({ model, contents: 'hello' }));
    const response = await clientFor().models.generateContent({ model, contents: 'hello' });

    expect(failure.status).toBe(400);
    expect(failure.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: 'API key not valid. Please pass a valid API key.' });
    expect(failure.body.error.details?.[0]).toMatchObject({ reason: 'API_KEY_INVALID' });
    expect(response.text).toBe('for the right key');
    expect(double.requests.map((request) => request.apiKeyValid)).toEqual([false, true]);
    expect(JSON.stringify(double.requests)).not.toContain('wrong-key-value');
  });

  it('refuses a request without a key as Google does, 403 PERMISSION_DENIED', async () => {
    double.script({ kind: 'content', parts: [{ text: 'kept' }] });

    const response = await post(`/v1beta/models/${model}:generateContent`, minimalRequest, {});

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED', message: expect.stringContaining('unregistered callers') as unknown } });
    expect((await clientFor().models.generateContent({ model, contents: 'hello' })).text).toBe('kept');
  });

  it('accepts the key as the `key` query parameter too, without recording it', async () => {
    double.script({ kind: 'content', parts: [{ text: 'ok' }] });

    const response = await post(`/v1beta/models/${model}:generateContent?key=${apiKey}`, minimalRequest, {});

    expect(response.status).toBe(200);
    expect(double.requests[0]).toMatchObject({ apiKeyValid: true, query: {} });
  });

  it('fails loudly with a 500 naming the request when nothing is scripted', async () => {
    const failure = await apiErrorOf(clientFor().models.generateContent({ model, contents: 'hello' }));

    expect(failure.status).toBe(500);
    expect(failure.body.error.message).toBe(`gemini double: no scripted reply for request #1 (/v1/models/${model}:generateContent)`);
  });

  it('answers unknown paths with a 404 in Google error shape, consuming nothing', async () => {
    double.script({ kind: 'content', parts: [{ text: 'kept' }] });

    const response = await post(`/v1beta/models/${model}:countTokens`, minimalRequest);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    expect(double.requests[0]).toMatchObject({ path: `/v1beta/models/${model}:countTokens`, model: null });
    expect((await clientFor().models.generateContent({ model, contents: 'hello' })).text).toBe('kept');
  });

  it('rejects a request without contents as INVALID_ARGUMENT, consuming nothing', async () => {
    double.script({ kind: 'content', parts: [{ text: 'kept' }] });

    const response = await post(`/v1beta/models/${model}:generateContent`, { contents: [] });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
    expect((await clientFor().models.generateContent({ model, contents: 'hello' })).text).toBe('kept');
  });

  it('holds a reply for delayMs so an aborted call ends at once and the double keeps serving', async () => {
    double.script({ kind: 'content', parts: [{ text: 'too late' }], delayMs: 5_000 }, { kind: 'content', parts: [{ text: 'still serving' }] });
    const client = clientFor();
    const started = performance.now();

    const error = await rejectionOf(client.models.generateContent({ model, contents: 'slow', config: { abortSignal: AbortSignal.timeout(100) } }));

    expect(error).toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await client.models.generateContent({ model, contents: 'next' })).text).toBe('still serving');
    // stop() waits for running handlers: had the double not noticed the abort, the 5 s delay would hold it.
    const stopping = performance.now();
    await double.stop();
    expect(performance.now() - stopping).toBeLessThan(2_000);
  });

  it('lets the SDK timeout end a delayed stream, and answers the next stream normally', async () => {
    double.script({ kind: 'content', parts: [{ text: 'too late' }], delayMs: 5_000 }, { kind: 'content', parts: [{ text: 'on time' }] });

    const error = await rejectionOf(clientFor({ httpOptions: { timeout: 100 } }).models.generateContentStream({ model, contents: 'slow' }));
    const chunks = await collect(await clientFor().models.generateContentStream({ model, contents: 'next' }));

    expect(error).toMatchObject({ name: 'AbortError' });
    expect(chunks.map((chunk) => chunk.text).join('')).toBe('on time');
  });

  it('cuts a delayed reply short on stop(), failing the waiting call', async () => {
    double.script({ kind: 'content', parts: [{ text: 'never sent' }], delayMs: 5_000 });
    const waiting = rejectionOf(clientFor().models.generateContent({ model, contents: 'slow' }));
    await expect.poll(() => double.requests.length).toBe(1);
    const stopping = performance.now();

    await double.stop();

    expect(performance.now() - stopping).toBeLessThan(2_000);
    expect(await waiting).toBeInstanceOf(Error);
  });

  it('is gone after stop()', async () => {
    const separate = await startGeminiDouble({ apiKey: 'other-key' });
    await separate.stop();

    await expect(fetch(`${separate.url}/v1beta/models/${model}:generateContent`, { method: 'POST' })).rejects.toThrow();
  });
});
