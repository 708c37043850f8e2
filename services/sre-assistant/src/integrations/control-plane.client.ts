import { createTokenSource } from '@sre/auth';
import { z } from 'zod';
import { callWithDeadline, failureForStatus, failureForThrown, networkReason, UpstreamError } from '@sre/service-kit';

/** The scope the control plane's read-only API (/api/v1/*) requires. */
const controlPlaneReadScope = 'controlplane.read';

export interface ControlPlaneClientOptions {
  /** CONTROL_PLANE_URL, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** The control plane API's audience, requested as the RFC 8707 resource. */
  audience: string;
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  /** Plain-http issuers are allowed only outside production (the caller decides). */
  allowInsecureRequests: boolean;
  /** Deadline for one request (each page of listDevices is one), token included; a caller's signal may end it sooner. */
  timeoutMs?: number;
}

const controlPlaneInfoSchema = z.object({
  service: z.string(),
  version: z.string(),
  caller: z.object({ clientId: z.string(), scopes: z.array(z.string()) }),
});

export type ControlPlaneInfo = z.infer<typeof controlPlaneInfoSchema>;

const labelsSchema = z.record(z.string(), z.string());
const timeSchema = z.iso.datetime({ offset: true });

const deviceReferenceSchema = z.object({ id: z.string(), name: z.string(), kind: z.string() });
const inventoryDeviceSchema = z.object({ id: z.string(), name: z.string(), kind: z.string(), labels: labelsSchema });
const devicePageSchema = z.object({ items: z.array(inventoryDeviceSchema), next: z.string().nullable() });
const deviceDetailSchema = inventoryDeviceSchema.extend({ dependsOn: z.array(deviceReferenceSchema), dependents: z.array(deviceReferenceSchema) });

const historicalAlertSchema = z.object({
  id: z.string(),
  fingerprint: z.string(),
  status: z.enum(['firing', 'resolved']),
  labels: labelsSchema,
  annotations: labelsSchema,
  startsAt: timeSchema,
  endsAt: timeSchema.nullable(),
  acknowledgedAt: timeSchema.nullable(),
});
const alertHistorySchema = z.object({ items: z.array(historicalAlertSchema), truncated: z.boolean() });

const auditLogEntrySchema = z.object({
  id: z.string(),
  at: timeSchema,
  actor: z.string(),
  actorType: z.string(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
const auditLogSchema = z.object({ items: z.array(auditLogEntrySchema), truncated: z.boolean() });

/** A device of the control plane's inventory, as much of it as the assistant uses. */
export type InventoryDevice = z.infer<typeof inventoryDeviceSchema>;
/** A device with the devices it depends on and those that depend on it. */
export type InventoryDeviceDetail = z.infer<typeof deviceDetailSchema>;
/** One occurrence of an alert as the control plane stored it from Alertmanager. */
export type HistoricalAlert = z.infer<typeof historicalAlertSchema>;
/** One entry of the control plane's audit log: who did what to what, and its recorded details. */
export type AuditLogEntry = z.infer<typeof auditLogEntrySchema>;

/** Items of a bounded listing; `truncated` says more matched than were returned. */
export interface BoundedList<Item> {
  items: Item[];
  truncated: boolean;
}

/** The largest `limit` the control plane's history listings (alerts, audit log) accept. */
export const maxHistoryItems = 200;

/** `GET /api/v1/alerts`: alerts active at any point in [since, until); the control plane defaults to the last 24 hours and allows 30 days. */
export interface AlertHistoryQuery {
  since?: Date;
  until?: Date;
  /** A device id: only alerts whose identity labels (device, service, host, instance…) name that device. */
  device?: string;
  alertname?: string;
  status?: 'firing' | 'resolved';
  /** 1–maxHistoryItems; the control plane's default is 50. */
  limit?: number;
}

/** `GET /api/v1/audit`: entries recorded in [since, until); the control plane defaults to the last 24 hours and allows 30 days. */
export interface AuditLogQuery {
  since?: Date;
  until?: Date;
  /** An exact action (`device.update`) or a prefix ending in a dot (`device.`). */
  action?: string;
  target?: { type: string; id: string };
  /** 1–maxHistoryItems; the control plane's default is 50. */
  limit?: number;
}

/**
 * The most pages listDevices reads (of 500 devices each, the control plane's largest page).
 * An inventory beyond that is refused loudly rather than read in part: a device missing from
 * the list would silently never be matched to an alert.
 */
export const maxInventoryPages = 20;

export interface ControlPlaneCallOptions {
  /** Aborts the call early, e.g. when the task it serves times out; the per-call timeout still applies. */
  signal?: AbortSignal;
}

export interface ControlPlaneClient {
  /** `GET /api/v1/info`: the control plane's version and whom it sees calling. Throws UpstreamError. */
  getInfo(options?: ControlPlaneCallOptions): Promise<ControlPlaneInfo>;
  /** `GET /api/v1/devices`, page after page: the whole inventory with labels. Throws UpstreamError, also when it spans more than maxInventoryPages. */
  listDevices(options?: ControlPlaneCallOptions): Promise<InventoryDevice[]>;
  /** `GET /api/v1/devices/{id}`: one device with its dependencies both ways. Throws UpstreamError. */
  getDevice(id: string, options?: ControlPlaneCallOptions): Promise<InventoryDeviceDetail>;
  /** `GET /api/v1/alerts`: the alerts active in a window, newest first. Throws UpstreamError (status 404: no device has the id asked for). */
  listAlerts(query: AlertHistoryQuery, options?: ControlPlaneCallOptions): Promise<BoundedList<HistoricalAlert>>;
  /** `GET /api/v1/audit`: the audit log's entries in a window, newest first. Throws UpstreamError. */
  listAuditEntries(query: AuditLogQuery, options?: ControlPlaneCallOptions): Promise<BoundedList<AuditLogEntry>>;
}

/** A client of the control plane's read-only API that authenticates with the assistant's own client-credentials token. */
export function createControlPlaneClient(options: ControlPlaneClientOptions): ControlPlaneClient {
  const { baseUrl, timeoutMs = 3_000 } = options;
  const accessToken = createTokenSource({
    issuer: options.issuerUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scope: controlPlaneReadScope,
    resource: options.audience,
    allowInsecureRequests: options.allowInsecureRequests,
    // A stalled issuer is let go of by the next call's deadline, not after openid-client's 30 s.
    timeoutSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)),
  });

  const fetchJson = async (path: string, deadline: AbortSignal): Promise<unknown> => {
    const token = await accessToken({ signal: deadline });
    let response: Response;
    try {
      response = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: deadline,
      });
    } catch (error) {
      const kind = failureForThrown(error);
      const message =
        kind === 'timeout'
          ? `the control plane did not answer GET ${path} within ${timeoutMs} ms`
          : `the control plane at ${baseUrl} could not be reached (${networkReason(error)})`;
      throw new UpstreamError(kind, message, { cause: error });
    }
    const { status } = response;
    if (!response.ok) {
      await response.body?.cancel();
      throw new UpstreamError(failureForStatus(status), `the control plane answered ${status} to GET ${path}`, { status });
    }
    return response.json().catch((error: unknown) => {
      // The deadline can pass while the body streams in: that is slowness, not a broken answer.
      if (deadline.aborted) throw new UpstreamError('timeout', `the control plane did not finish answering GET ${path} within ${timeoutMs} ms`, { status, cause: error });
      throw new UpstreamError('server', `the control plane answered GET ${path} with a body that is not JSON`, { status, retryable: false, cause: error });
    });
  };

  const getJson = (path: string, signal: AbortSignal | undefined): Promise<unknown> =>
    callWithDeadline({ timeoutMs, signal, upstream: 'the control plane', request: `GET ${path}` }, (deadline) => fetchJson(path, deadline));

  const getParsed = async <T>(schema: z.ZodType<T>, path: string, { signal }: ControlPlaneCallOptions = {}): Promise<T> =>
    parseBody(schema, path, await getJson(path, signal));

  return {
    getInfo: (options) => getParsed(controlPlaneInfoSchema, '/api/v1/info', options),
    async listDevices(options) {
      const devices: InventoryDevice[] = [];
      let after: string | null = null;
      for (let page = 0; page < maxInventoryPages; page += 1) {
        const answer: z.infer<typeof devicePageSchema> = await getParsed(devicePageSchema, `/api/v1/devices${queryString({ after })}`, options);
        devices.push(...answer.items);
        after = answer.next;
        if (after === null) return devices;
      }
      throw new UpstreamError(
        'client',
        `the control plane's inventory is larger than the assistant reads: more than ${devices.length} devices in ${maxInventoryPages} pages of GET /api/v1/devices`,
        { retryable: false },
      );
    },
    getDevice: (id, options) => getParsed(deviceDetailSchema, `/api/v1/devices/${encodeURIComponent(id)}`, options),
    listAlerts: ({ since, until, device, alertname, status, limit }, options) =>
      getParsed(alertHistorySchema, `/api/v1/alerts${queryString({ since, until, device, alertname, status, limit })}`, options),
    listAuditEntries: ({ since, until, action, target, limit }, options) =>
      getParsed(auditLogSchema, `/api/v1/audit${queryString({ since, until, action, targetType: target?.type, targetId: target?.id, limit })}`, options),
  };
}

// `?name=value&…` of the parameters that have a value (times in ISO 8601), or nothing at all.
function queryString(parameters: Record<string, string | number | Date | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value === undefined || value === null) continue;
    query.set(name, value instanceof Date ? value.toISOString() : String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

function parseBody<T>(schema: z.ZodType<T>, path: string, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  // A contract mismatch (say, the two services deployed at incompatible versions) will not heal on retry.
  throw new UpstreamError('server', `the control plane answered GET ${path} with an unexpected body: ${z.prettifyError(parsed.error)}`, { retryable: false });
}
