import { z, type ZodError } from 'zod';
import type { AlertHistoryQuery } from '../alerts/alert';
import { intakeLimits } from '../alerts/alerts.input';
import type { AuditQuery } from '../audit/audit';
import { decodeDeviceCursor } from '../devices/device';
import { AppError } from '../errors';

const hourMs = 3_600_000;
/** The window a history lookup covers when the caller names no start. */
const defaultWindowHours = 24;
/** The longest window one lookup may cover: a bound on what a single query scans. */
const maxWindowDays = 30;

const time = z.iso.datetime({ offset: true, error: 'an ISO 8601 time with an offset, e.g. 2026-05-01T12:00:00Z' });

const integerFrom1To = (max: number, fallback: number) => {
  const message = `an integer from 1 to ${max}`;
  return z
    .string({ error: message })
    .regex(/^\d{1,6}$/, message)
    .transform(Number)
    .pipe(z.number().min(1, message).max(max, message))
    .default(fallback);
};

const devicePageQuery = z.strictObject({
  limit: integerFrom1To(500, 500),
  after: z.string({ error: 'the `next` cursor of the previous page' }).max(500, 'the `next` cursor of the previous page').optional(),
});

const alertHistoryQuery = z.strictObject({
  since: time.optional(),
  until: time.optional(),
  device: z.uuid({ error: 'a device id (UUID)' }).optional(),
  alertname: z.string({ error: 'an alert name' }).min(1, 'an alert name').max(intakeLimits.labelValueLength).optional(),
  status: z.enum(['firing', 'resolved'], { error: 'firing or resolved' }).optional(),
  limit: integerFrom1To(200, 50),
});

const actionMessage = 'an action such as device.update, or a prefix ending in a dot such as device.';

const auditQuery = z
  .strictObject({
    since: time.optional(),
    until: time.optional(),
    action: z.string({ error: actionMessage }).max(100, actionMessage).regex(/^[a-z][a-z_]*(\.[a-z_]+)*\.?$/, actionMessage).optional(),
    targetType: z.string({ error: 'a target type such as device' }).regex(/^[a-z][a-z_]{0,63}$/, 'a target type such as device').optional(),
    targetId: z.string({ error: 'the id of the target' }).min(1, 'the id of the target').max(200, 'at most 200 characters').optional(),
    limit: integerFrom1To(200, 50),
  })
  .superRefine((query, context) => {
    // A target is a type and an id together; either alone would match more than the caller meant.
    if (query.targetType !== undefined && query.targetId === undefined) context.addIssue({ code: 'custom', path: ['targetId'], message: 'required with targetType' });
    if (query.targetId !== undefined && query.targetType === undefined) context.addIssue({ code: 'custom', path: ['targetType'], message: 'required with targetId' });
  });

/** `GET /api/v1/devices`: the page size and the device name to continue after; bad_request naming the parameter. */
export function parseDevicePageQuery(query: unknown): { limit: number; after: string | undefined } {
  const { limit, after } = parseQuery(devicePageQuery, query);
  if (after === undefined) return { limit, after };
  const name = decodeDeviceCursor(after);
  if (name === undefined) throw invalidParameters({ after: 'the `next` cursor of the previous page' });
  return { limit, after: name };
}

/** `GET /api/v1/alerts`: filters and the window (the 24 hours before `now` unless given); bad_request naming the parameter. */
export function parseAlertHistoryQuery(query: unknown, now: Date): AlertHistoryQuery {
  const { since, until, device, alertname, status, limit } = parseQuery(alertHistoryQuery, query);
  return { ...windowOf({ since, until }, now), deviceId: device, alertname, status, limit };
}

/** `GET /api/v1/audit`: filters and the window (the 24 hours before `now` unless given); bad_request naming the parameter. */
export function parseAuditQuery(query: unknown, now: Date): AuditQuery {
  const { since, until, action, targetType, targetId, limit } = parseQuery(auditQuery, query);
  const target = targetType !== undefined && targetId !== undefined ? { type: targetType, id: targetId } : undefined;
  return { ...windowOf({ since, until }, now), action, target, limit };
}

/** [since, until): until defaults to now, since to 24 hours before until; since first, at most 30 days apart. */
function windowOf(given: { since?: string; until?: string }, now: Date): { since: Date; until: Date } {
  const until = given.until === undefined ? now : new Date(given.until);
  const since = given.since === undefined ? new Date(until.getTime() - defaultWindowHours * hourMs) : new Date(given.since);
  if (since.getTime() >= until.getTime()) {
    throw invalidParameters({ since: `must be before until (${until.toISOString()})` });
  }
  if (until.getTime() - since.getTime() > maxWindowDays * 24 * hourMs) {
    throw invalidParameters({ since: `the window from since to until is at most ${maxWindowDays} days` });
  }
  return { since, until };
}

function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw invalidParameters(parameterErrors(parsed.error));
  return parsed.data;
}

const invalidParameters = (fields: Record<string, string>) =>
  new AppError('bad_request', `invalid query parameters: ${Object.keys(fields).join(', ')}`, { fields });

// Each offending parameter → what it should be. A parameter the endpoint does not know is named
// too: ignoring a misspelt filter would answer a wider question than the one asked.
function parameterErrors(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[key] ??= 'not a parameter of this endpoint';
    } else {
      fields[issue.path.join('.') || 'query'] ??= issue.message;
    }
  }
  return fields;
}
