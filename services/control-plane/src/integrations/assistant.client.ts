import { z } from 'zod';
import type { TokenSource } from '@sre/auth';
import type { components } from '@sre/contracts/assistant-api';
import { failureForStatus, failureForThrown, isRetryable, UpstreamError, type UpstreamFailure as UpstreamFailureKind } from '@sre/service-kit';

export type AssistantInfo = components['schemas']['ServiceInfo'];
export type AssistantTask = components['schemas']['Task'];
export type ExecuteRequest = components['schemas']['ExecuteRequest'];

/** Why a call to the assistant failed, and whether trying again may help. */
export type UpstreamFailure = {
  kind: UpstreamFailureKind;
  retryable: boolean;
  message: string;
};

export type AssistantResult<T> = { ok: true; value: T } | { ok: false; failure: UpstreamFailure };

export interface AssistantClient {
  /** GET /info with this service's client-credentials token: proves the M2M path end to end. */
  info(): Promise<AssistantResult<AssistantInfo>>;
  /** POST /diagnostics/alert: queues a diagnosis of a stored alert; the answer is the queued task. */
  requestAlertDiagnosis(alertId: string, requestedBy?: string): Promise<AssistantResult<AssistantTask>>;
  /** POST /execute: queues an investigation of a free-form question; the answer is the queued task. */
  execute(request: ExecuteRequest): Promise<AssistantResult<AssistantTask>>;
}

/** How long one call to the assistant may take, token included, unless the client is given another. */
export const assistantCallTimeoutMs = 5_000;

/** The sre-assistant's API, called with a client-credentials token. */
export function createAssistantClient(options: { baseUrl: string; tokens: TokenSource; timeoutMs?: number }): AssistantClient {
  const timeoutMs = options.timeoutMs ?? assistantCallTimeoutMs;

  // Token, request and transport failures, classified; any HTTP answer is the caller's to read.
  // One deadline covers the token and the request: a stalled issuer is as slow as a stalled assistant.
  const send = async (path: string, init: { method?: 'POST'; body?: unknown } = {}): Promise<AssistantResult<Response>> => {
    const deadline = AbortSignal.timeout(timeoutMs);
    let token: string;
    try {
      token = await options.tokens({ signal: deadline });
    } catch (error) {
      // @sre/auth has said how: an issuer that is down or slow is worth retrying, refused credentials are not.
      if (!(error instanceof UpstreamError)) throw error;
      return { ok: false, failure: { kind: error.kind, retryable: error.retryable, message: `no access token for the assistant: ${error.message}` } };
    }
    try {
      const response = await fetch(`${options.baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: deadline,
      });
      return { ok: true, value: response };
    } catch (error) {
      return failureForThrown(error) === 'timeout'
        ? failed('timeout', `the assistant did not answer within ${timeoutMs} ms`)
        : failed('unreachable', `the assistant at ${options.baseUrl} is unreachable`);
    }
  };

  return {
    async info() {
      const sent = await send('/info');
      if (!sent.ok) return sent;
      if (!sent.value.ok) return { ok: false, failure: classifyStatus(sent.value.status) };
      return { ok: true, value: (await sent.value.json()) as AssistantInfo };
    },
    async requestAlertDiagnosis(alertId, requestedBy) {
      const sent = await send('/diagnostics/alert', { method: 'POST', body: requestedBy === undefined ? { alertId } : { alertId, requestedBy } });
      return sent.ok ? readQueuedTask(sent.value) : sent;
    },
    async execute(request) {
      const sent = await send('/execute', { method: 'POST', body: request });
      return sent.ok ? readQueuedTask(sent.value) : sent;
    },
  };
}

/** A 202 with the queued task, or the failure the status (and, for a refused request, its problem) describes. */
async function readQueuedTask(response: Response): Promise<AssistantResult<AssistantTask>> {
  if (response.status !== 202) {
    if (response.status === 400) return { ok: false, failure: await describeRejection(response) };
    await response.body?.cancel();
    return { ok: false, failure: response.status === 404 ? unknownAlert : classifyStatus(response.status) };
  }
  // The task is the assistant's word on what it queued; a body that breaks the contract is its failure.
  const task = taskSchema.safeParse(await response.json().catch(() => undefined));
  if (!task.success) {
    return { ok: false, failure: { kind: 'server', retryable: false, message: 'the assistant accepted the request but answered with a malformed task' } };
  }
  return { ok: true, value: task.data };
}

// A 400 means the two services disagree on the contract: the assistant's problem says where,
// which is what an operator needs to report it. Bounded, since it ends up in a page and the audit log.
const problemSchema = z.object({
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
const rejectionLength = 500;

async function describeRejection(response: Response): Promise<UpstreamFailure> {
  const problem = problemSchema.safeParse(await response.json().catch(() => undefined));
  const fields = problem.success ? (problem.data.errors ?? []).map((error) => `${error.path || 'body'} ${error.message}`) : [];
  const detail = fields.length > 0 ? fields.join('; ') : problem.success ? problem.data.detail : undefined;
  const message = `the assistant rejected the request (400)${detail ? `: ${detail}` : ''}`;
  return { kind: 'client', retryable: false, message: message.length > rejectionLength ? `${message.slice(0, rejectionLength - 1)}…` : message };
}

// The assistant reads the alert from the shared database: not finding it means a misconfiguration.
const unknownAlert: UpstreamFailure = {
  kind: 'client',
  retryable: false,
  message: 'the assistant does not know this alert (404); both services must use the same database',
};

const taskSchema: z.ZodType<AssistantTask> = z.object({
  id: z.uuid(),
  kind: z.enum(['alert', 'execute']),
  status: z.enum(['queued', 'running', 'succeeded', 'partial', 'failed']),
  createdAt: z.iso.datetime({ offset: true }),
  startedAt: z.iso.datetime({ offset: true }).optional(),
  completedAt: z.iso.datetime({ offset: true }).optional(),
  alertId: z.uuid().optional(),
  error: z.string().optional(),
  links: z.object({ self: z.string() }),
});

// The kinds, and whether each is worth retrying, are service-kit's, as for every other upstream.
function failed(kind: UpstreamFailureKind, message: string): { ok: false; failure: UpstreamFailure } {
  return { ok: false, failure: { kind, retryable: isRetryable(kind), message } };
}

const statusMessages: Record<UpstreamFailureKind, (status: number) => string> = {
  auth: (status) => `the assistant refused our token (${status})`,
  rate_limited: () => 'the assistant is rate limiting us',
  timeout: (status) => `the assistant timed out (${status})`,
  server: (status) => `the assistant failed (${status})`,
  client: (status) => `the assistant rejected the request (${status})`,
  unreachable: (status) => `the assistant could not be reached (${status})`,
};

function classifyStatus(status: number): UpstreamFailure {
  const kind = failureForStatus(status);
  return failed(kind, statusMessages[kind](status)).failure;
}
