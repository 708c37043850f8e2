import { createTokenSource } from '@sre/auth';
import { z } from 'zod';
import { failureForStatus, failureForThrown, UpstreamError, type UpstreamFailure } from '@sre/service-kit';

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
  /** Deadline for one call, token included. */
  timeoutMs?: number;
}

const controlPlaneInfoSchema = z.object({
  service: z.string(),
  version: z.string(),
  caller: z.object({ clientId: z.string(), scopes: z.array(z.string()) }),
});

export type ControlPlaneInfo = z.infer<typeof controlPlaneInfoSchema>;

const deviceReferenceSchema = z.object({ id: z.string(), name: z.string(), kind: z.string() });
const inventoryDeviceSchema = z.object({ id: z.string(), name: z.string(), kind: z.string(), labels: z.record(z.string(), z.string()) });
const deviceListSchema = z.object({ items: z.array(inventoryDeviceSchema) });
const deviceDetailSchema = inventoryDeviceSchema.extend({ dependsOn: z.array(deviceReferenceSchema), dependents: z.array(deviceReferenceSchema) });

/** A device of the control plane's inventory, as much of it as the assistant uses. */
export type InventoryDevice = z.infer<typeof inventoryDeviceSchema>;
/** A device with the devices it depends on and those that depend on it. */
export type InventoryDeviceDetail = z.infer<typeof deviceDetailSchema>;

export interface ControlPlaneClient {
  /** `GET /api/v1/info`: the control plane's version and whom it sees calling. Throws UpstreamError. */
  getInfo(): Promise<ControlPlaneInfo>;
  /** `GET /api/v1/devices`: the whole inventory with labels. Throws UpstreamError. */
  listDevices(): Promise<InventoryDevice[]>;
  /** `GET /api/v1/devices/{id}`: one device with its dependencies both ways. Throws UpstreamError. */
  getDevice(id: string): Promise<InventoryDeviceDetail>;
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
  });

  const getJson = async (path: string): Promise<unknown> => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const token = await beforeDeadline(accessToken(), deadline).catch((error: unknown) => {
      throw tokenFailure(error, options.issuerUrl, timeoutMs);
    });
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
          : `the control plane at ${baseUrl} could not be reached (${reasonOf(error)})`;
      throw new UpstreamError(kind, message, { cause: error });
    }
    const { status } = response;
    if (!response.ok) {
      await response.body?.cancel();
      throw new UpstreamError(failureForStatus(status), `the control plane answered ${status} to GET ${path}`, { status });
    }
    return response.json().catch((error: unknown) => {
      throw new UpstreamError('server', `the control plane answered GET ${path} with a body that is not JSON`, { status, retryable: false, cause: error });
    });
  };

  return {
    getInfo: async () => parseBody(controlPlaneInfoSchema, '/api/v1/info', await getJson('/api/v1/info')),
    listDevices: async () => parseBody(deviceListSchema, '/api/v1/devices', await getJson('/api/v1/devices')).items,
    async getDevice(id) {
      const path = `/api/v1/devices/${encodeURIComponent(id)}`;
      return parseBody(deviceDetailSchema, path, await getJson(path));
    },
  };
}

function parseBody<T>(schema: z.ZodType<T>, path: string, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  // A contract mismatch (say, the two services deployed at incompatible versions) will not heal on retry.
  throw new UpstreamError('server', `the control plane answered GET ${path} with an unexpected body: ${z.prettifyError(parsed.error)}`, { retryable: false });
}

// The token source has its own (longer) timeouts; the caller's deadline covers the whole call.
function beforeDeadline<T>(promise: Promise<T>, deadline: AbortSignal): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => deadline.addEventListener('abort', () => reject(deadline.reason as Error), { once: true })),
  ]);
}

function tokenFailure(error: unknown, issuerUrl: string, timeoutMs: number): UpstreamError {
  const status = statusOf(error);
  if (status !== undefined) {
    // An OAuth error answer (invalid_client, invalid_scope, invalid_target…) means these
    // credentials will not get a token, however often they are tried.
    const kind: UpstreamFailure = status >= 400 && status < 500 && status !== 429 ? 'auth' : failureForStatus(status);
    const oauthError = typeof error === 'object' && error !== null && 'error' in error && typeof error.error === 'string' ? ` (${error.error})` : '';
    return new UpstreamError(kind, `the token issuer refused the assistant's token request with ${status}${oauthError}`, { status, cause: error });
  }
  if (failureForThrown(error) === 'timeout') {
    return new UpstreamError('timeout', `the token issuer did not issue a token within ${timeoutMs} ms`, { cause: error });
  }
  // fetch reports network failures as TypeError; openid-client passes them through.
  if (error instanceof TypeError) {
    return new UpstreamError('unreachable', `the token issuer at ${issuerUrl} could not be reached (${reasonOf(error)})`, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new UpstreamError('client', `no token could be obtained from the issuer at ${issuerUrl}: ${reason}`, { cause: error });
}

// openid-client reports an OAuth error answer with `status`, and a non-conforming answer with the Response as `cause`.
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('status' in error && typeof error.status === 'number') return error.status;
  if ('cause' in error && error.cause instanceof Response) return error.cause.status;
  return undefined;
}

// fetch fails with "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND…) is the cause's code.
function reasonOf(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}
