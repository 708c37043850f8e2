// A local stand-in for the Gemini API (Google AI "generativelanguage" REST) that the real
// @google/genai SDK talks to unchanged: `new GoogleGenAI({ apiKey, httpOptions: { baseUrl: double.url } })`.
// Tests script the model's replies; the double answers with Google's wire shapes — JSON
// responses, `data: <json>\r\n\r\n` server-sent events, and google.rpc error bodies — so the
// agent's parsing, streaming, usage accounting and error classification meet what production sends.
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { listenLocally, readBody } from '../../../test/http-server';

/** One part of a scripted model turn, in the API's wire shape. */
export type ScriptedPart =
  | { text: string; thought?: boolean; thoughtSignature?: string }
  | { functionCall: { name: string; args?: Record<string, unknown>; id?: string }; thoughtSignature?: string };

export interface ScriptedUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  /** Defaults to prompt + candidates + thoughts, as Gemini counts it. */
  totalTokenCount?: number;
  thoughtsTokenCount?: number;
}

/** The model answers with `parts` (text and/or function calls). */
export interface ScriptedContentReply {
  kind: 'content';
  parts: ScriptedPart[];
  /** Without it the double estimates counts at four characters a token, so cost code sees numbers. */
  usage?: ScriptedUsage;
  /** Defaults to 'STOP'. */
  finishReason?: string;
  /** Holds the reply back, for testing callers' timeouts. */
  delayMs?: number;
}

/** The API refuses the request with HTTP `status` and Google's error body. */
export interface ScriptedErrorReply {
  kind: 'error';
  status: number;
  /** Defaults to the message Gemini sends for that status. */
  message?: string;
  /** Adds a google.rpc.RetryInfo detail with this delay, as Gemini does on 429. */
  retryAfterSeconds?: number;
  /** Further google.rpc detail objects (QuotaFailure, ErrorInfo, …), passed through as given. */
  details?: unknown[];
  delayMs?: number;
}

export type ScriptedReply = ScriptedContentReply | ScriptedErrorReply;

/** A reply, or a function that builds it from the request it answers (called when that request arrives). */
export type ScriptedReplySource = ScriptedReply | ((request: RecordedRequest) => ScriptedReply);

/** What the double saw of one request. The API key itself is never kept. */
export interface RecordedRequest {
  readonly method: string;
  /** The URL path, without the query: `/v1/models/gemini-2.5-flash:generateContent`. */
  readonly path: string;
  /** The model named in the path, or null when the path is not a model method. */
  readonly model: string | null;
  readonly stream: boolean;
  /** Query parameters except `key`. */
  readonly query: Readonly<Record<string, string>>;
  readonly apiKeyValid: boolean;
  /** The parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  readonly body: unknown;
}

export interface GeminiDouble {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Queues replies, consumed one per request, in order. */
  script(...replies: ScriptedReplySource[]): void;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Closes every connection, cutting short replies still being delayed; safe to call twice. */
  stop(): Promise<void>;
}

interface WireUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  thoughtsTokenCount?: number;
  promptTokensDetails: Array<{ modality: 'TEXT'; tokenCount: number }>;
}

interface WireGenerateContentResponse {
  candidates: Array<{ content: { role: 'model'; parts: ScriptedPart[] }; finishReason?: string; index: number }>;
  usageMetadata: WireUsageMetadata;
  modelVersion: string;
  responseId: string;
}

interface WireError {
  status: number;
  message: string;
  details?: unknown[];
}

// The SDK 3.x defaults to v1 (2.x used v1beta); Google serves the same methods under each version.
const modelMethodPath = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const apiKeyHeader = 'x-goog-api-key';
const charactersPerToken = 4;
const streamedTextPieceLength = 40;

// google.rpc.Code names for the HTTP statuses Google maps them to.
const rpcStatusNames: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const defaultErrorMessages: Readonly<Record<number, string>> = {
  400: 'Request contains an invalid argument.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  429: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
  504: 'The request timed out. Please try again.',
};

// Only what Google itself rejects before the model runs; everything else is recorded for the test to assert.
const generateContentRequestSchema = z.object({
  contents: z
    .array(z.object({ role: z.string().optional(), parts: z.array(z.record(z.string(), z.unknown())).min(1) }))
    .min(1),
});

/** Starts a Gemini API double on 127.0.0.1 at a free port. */
export async function startGeminiDouble(options: { apiKey?: string } = {}): Promise<GeminiDouble> {
  const expectedApiKey = options.apiKey ?? 'test-gemini-key';
  const queue: ScriptedReplySource[] = [];
  const requests: RecordedRequest[] = [];

  const handleRequest = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const rawBody = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://gemini-double');
    const method = request.method ?? 'GET';
    const route = method === 'POST' ? matchModelMethod(url.pathname) : undefined;
    const suppliedKey = firstHeaderValue(request.headers[apiKeyHeader]) ?? url.searchParams.get('key') ?? undefined;
    const body = parseJsonBody(rawBody);
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      model: route?.model ?? null,
      stream: route?.stream ?? false,
      query: Object.fromEntries([...url.searchParams].filter(([name]) => name !== 'key')),
      apiKeyValid: suppliedKey === expectedApiKey,
      body: body.value,
    };
    requests.push(recorded);
    const requestNumber = requests.length;

    if (!route) return sendError(response, { status: 404, message: `gemini double: no method ${method} ${url.pathname}; it serves POST /{v1,v1beta,v1alpha}/models/{model}:generateContent and :streamGenerateContent` });
    const rejection = findRejection(route, suppliedKey, recorded.apiKeyValid, body, url.searchParams);
    if (rejection) return sendError(response, rejection);

    const reply = takeReply(recorded, requestNumber);
    if (!(await waitUnlessClientLeaves(reply.delayMs, response))) return;
    if (reply.kind === 'error') return sendError(response, scriptedError(reply));
    const answer = { modelVersion: route.model, responseId: newResponseId(), usage: resolveUsage(reply, body.value) };
    if (route.stream) return sendEvents(response, buildStreamChunks(reply, answer));
    return sendJson(response, 200, buildResponse(reply.parts, reply.finishReason ?? 'STOP', answer.usage, answer));
  };

  // The next scripted reply; a missing or throwing one becomes a 500 that names the request, so the test fails loudly.
  const takeReply = (recorded: RecordedRequest, requestNumber: number): ScriptedReply => {
    const source = queue.shift();
    if (source === undefined) {
      return { kind: 'error', status: 500, message: `gemini double: no scripted reply for request #${requestNumber} (${recorded.path})` };
    }
    if (typeof source !== 'function') return source;
    try {
      return source(recorded);
    } catch (error) {
      return { kind: 'error', status: 500, message: `gemini double: the scripted reply for request #${requestNumber} threw: ${String(error)}` };
    }
  };

  // Handlers still running (a reply being delayed): stop() waits for them so that no timer outlives the double.
  const inFlight = new Set<Promise<void>>();
  const server = await listenLocally((request, response) => {
    const handled = handleRequest(request, response).catch((error: unknown) => {
      // A client that went away mid-request leaves nothing to answer; anything else is a bug in the double.
      if (response.headersSent || response.destroyed) return void response.destroy();
      sendError(response, { status: 500, message: `gemini double failed: ${String(error)}` });
    });
    inFlight.add(handled);
    void handled.then(() => inFlight.delete(handled));
  });

  const closeAndDrain = async () => {
    await server.close();
    await Promise.all(inFlight);
  };
  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    requests,
    script: (...replies) => void queue.push(...replies),
    stop: () => (stopped ??= closeAndDrain()),
  };
}

function matchModelMethod(pathname: string): { model: string; stream: boolean } | undefined {
  const match = modelMethodPath.exec(pathname);
  if (!match?.[2]) return undefined;
  try {
    return { model: decodeURIComponent(match[2]), stream: match[3] === 'streamGenerateContent' };
  } catch {
    return undefined;
  }
}

/** Google's answer to a model request it refuses before the model runs, checked in Google's order; none consumes a scripted reply. */
function findRejection(
  route: { model: string; stream: boolean },
  suppliedKey: string | undefined,
  apiKeyValid: boolean,
  body: ParsedBody,
  query: URLSearchParams,
): WireError | undefined {
  if (suppliedKey === undefined) {
    return {
      status: 403,
      message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    };
  }
  if (!apiKeyValid) return invalidApiKeyError();
  if (!body.parsed) return { status: 400, message: `Invalid JSON payload received. ${body.problem}` };
  const validation = generateContentRequestSchema.safeParse(body.value);
  if (!validation.success) return { status: 400, message: `Invalid GenerateContentRequest:\n${z.prettifyError(validation.error)}` };
  if (route.stream && query.get('alt') !== 'sse') {
    return { status: 400, message: 'gemini double: streamGenerateContent is only implemented with alt=sse, which the SDK always sends' };
  }
  return undefined;
}

function firstHeaderValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

type ParsedBody = { parsed: true; value: unknown } | { parsed: false; value: string | undefined; problem: string };

function parseJsonBody(rawBody: string): ParsedBody {
  if (rawBody.trim() === '') return { parsed: false, value: undefined, problem: 'The request body is empty.' };
  try {
    return { parsed: true, value: JSON.parse(rawBody) as unknown };
  } catch (error) {
    return { parsed: false, value: rawBody, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** Waits out `delayMs`; false when the client disconnected meanwhile (aborted or timed out), so nothing must be written. */
async function waitUnlessClientLeaves(delayMs: number | undefined, response: http.ServerResponse): Promise<boolean> {
  if (delayMs === undefined || delayMs <= 0) return !response.destroyed;
  const clientLeft = new AbortController();
  const onClose = () => clientLeft.abort();
  response.once('close', onClose);
  try {
    await sleep(delayMs, undefined, { signal: clientLeft.signal });
    return true;
  } catch (error) {
    if (clientLeft.signal.aborted) return false;
    throw error;
  } finally {
    response.off('close', onClose);
  }
}

function invalidApiKeyError(): WireError {
  const message = 'API key not valid. Please pass a valid API key.';
  return {
    status: 400,
    message,
    details: [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
      { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
    ],
  };
}

// Gemini reports how long to wait only in the body (RetryInfo.retryDelay); it sends no Retry-After header.
function scriptedError(reply: ScriptedErrorReply): WireError {
  const retryDelay = reply.retryAfterSeconds === undefined ? undefined : `${reply.retryAfterSeconds}s`;
  const defaultMessage = defaultErrorMessages[reply.status] ?? `HTTP ${reply.status}`;
  const message = reply.message ?? (retryDelay ? `${defaultMessage} Please retry in ${retryDelay}.` : defaultMessage);
  const details = [...(reply.details ?? []), ...(retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] : [])];
  return { status: reply.status, message, details: details.length > 0 ? details : undefined };
}

function sendError(response: http.ServerResponse, error: WireError): void {
  const status = rpcStatusNames[error.status] ?? 'UNKNOWN';
  sendJson(response, error.status, { error: { code: error.status, message: error.message, status, details: error.details } });
}

// Google pretty-prints JSON answers; SSE events carry one compact line each.
function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body, null, 2));
}

function sendEvents(response: http.ServerResponse, chunks: WireGenerateContentResponse[]): void {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const chunk of chunks) response.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  response.end();
}

function newResponseId(): string {
  return randomBytes(16).toString('base64url');
}

function buildResponse(
  parts: ScriptedPart[],
  finishReason: string | undefined,
  usageMetadata: WireUsageMetadata,
  identity: { modelVersion: string; responseId: string },
): WireGenerateContentResponse {
  return {
    candidates: [{ content: { role: 'model', parts }, ...(finishReason === undefined ? {} : { finishReason }), index: 0 }],
    usageMetadata,
    modelVersion: identity.modelVersion,
    responseId: identity.responseId,
  };
}

/**
 * Splits a reply the way Gemini streams one: text in short pieces, consecutive function calls
 * whole in one chunk, the finish reason on the last chunk only. Every chunk carries usage with
 * running totals (the prompt count at once, candidates growing), so the last chunk's usage is
 * the call's and summing chunks over-counts — as with the real API.
 */
function buildStreamChunks(
  reply: ScriptedContentReply,
  answer: { modelVersion: string; responseId: string; usage: WireUsageMetadata },
): WireGenerateContentResponse[] {
  const groups = groupPartsForStreaming(reply.parts);
  const totalCharacters = Math.max(1, groups.reduce((sum, group) => sum + countPartCharacters(group), 0));
  let streamedCharacters = 0;
  return groups.map((group, index) => {
    const isLast = index === groups.length - 1;
    streamedCharacters += countPartCharacters(group);
    const candidatesTokenCount = isLast
      ? answer.usage.candidatesTokenCount
      : Math.floor((answer.usage.candidatesTokenCount * streamedCharacters) / totalCharacters);
    const usage = {
      ...answer.usage,
      candidatesTokenCount,
      totalTokenCount: answer.usage.totalTokenCount - answer.usage.candidatesTokenCount + candidatesTokenCount,
    };
    return buildResponse(group, isLast ? (reply.finishReason ?? 'STOP') : undefined, usage, answer);
  });
}

function groupPartsForStreaming(parts: ScriptedPart[]): ScriptedPart[][] {
  const groups: ScriptedPart[][] = [];
  let previousWasFunctionCall = false;
  for (const part of parts) {
    if ('functionCall' in part) {
      const lastGroup = groups.at(-1);
      if (previousWasFunctionCall && lastGroup) lastGroup.push(part);
      else groups.push([part]);
      previousWasFunctionCall = true;
      continue;
    }
    previousWasFunctionCall = false;
    const pieces = splitText(part.text);
    pieces.forEach((piece, index) => {
      // A thought signature belongs to the part as a whole; Gemini sends it with the part's last piece.
      const { thoughtSignature, ...rest } = part;
      const isLastPiece = index === pieces.length - 1;
      groups.push([{ ...rest, text: piece, ...(isLastPiece && thoughtSignature !== undefined ? { thoughtSignature } : {}) }]);
    });
  }
  return groups.length > 0 ? groups : [[]];
}

/** Cuts text into pieces of at most ~40 characters, after a space where possible; the pieces concatenate to the text. */
function splitText(text: string): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > streamedTextPieceLength) {
    const lastSpace = rest.lastIndexOf(' ', streamedTextPieceLength - 1);
    let cut = lastSpace > 0 ? lastSpace + 1 : streamedTextPieceLength;
    // Never split a surrogate pair: each piece must be valid text on its own.
    if (cut === streamedTextPieceLength && isHighSurrogate(rest.charCodeAt(cut - 1))) cut -= 1;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function resolveUsage(reply: ScriptedContentReply, requestBody: unknown): WireUsageMetadata {
  const isThought = (part: ScriptedPart) => 'thought' in part && part.thought === true;
  const thoughtParts = reply.parts.filter(isThought);
  const promptTokenCount = reply.usage?.promptTokenCount ?? estimateTokens(countCharacters(promptOf(requestBody)));
  const candidatesTokenCount = reply.usage?.candidatesTokenCount ?? estimateTokens(countPartCharacters(reply.parts.filter((part) => !isThought(part))));
  const thoughtsTokenCount = reply.usage ? reply.usage.thoughtsTokenCount : thoughtParts.length > 0 ? estimateTokens(countPartCharacters(thoughtParts)) : undefined;
  return {
    promptTokenCount,
    candidatesTokenCount,
    totalTokenCount: reply.usage?.totalTokenCount ?? promptTokenCount + candidatesTokenCount + (thoughtsTokenCount ?? 0),
    ...(thoughtsTokenCount === undefined ? {} : { thoughtsTokenCount }),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokenCount }],
  };
}

function promptOf(requestBody: unknown): unknown {
  if (typeof requestBody !== 'object' || requestBody === null) return requestBody;
  const { contents, systemInstruction, tools } = requestBody as Record<string, unknown>;
  return [contents, systemInstruction, tools];
}

// Google's rule of thumb, about four characters a token: good enough for cost and budget tests.
function estimateTokens(characters: number): number {
  return Math.max(1, Math.ceil(characters / charactersPerToken));
}

function countPartCharacters(parts: ScriptedPart[]): number {
  return parts.reduce(
    (sum, part) => sum + ('functionCall' in part ? part.functionCall.name.length + JSON.stringify(part.functionCall.args ?? {}).length : part.text.length),
    0,
  );
}

/** The length of every string, number and boolean inside `value`: the text a prompt is made of. */
function countCharacters(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + countCharacters(item), 0);
  if (typeof value === 'object' && value !== null) return countCharacters(Object.values(value));
  return 0;
}
