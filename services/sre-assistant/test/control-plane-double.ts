import { createAccessTokenVerifier } from '@sre/auth';
import type { ControlPlaneClientOptions, InventoryDeviceDetail } from '../src/integrations/control-plane.client';
import { listenLocally, sendJson, type LocalServer } from './http-server';

export const controlPlaneAudience = 'urn:sre-platform:control-plane';

/** The assistant's client secret in development, which the tests' token issuer is given too. */
export const assistantClientSecret = 'dev-sre-assistant-secret';

/** How the assistant reaches a control plane at `baseUrl` as client sre-assistant of `issuerUrl`, with a short deadline. */
export function controlPlaneClientOptions(issuerUrl: string, baseUrl: string): ControlPlaneClientOptions {
  return {
    baseUrl,
    audience: controlPlaneAudience,
    issuerUrl,
    clientId: 'sre-assistant',
    clientSecret: assistantClientSecret,
    allowInsecureRequests: true,
    timeoutMs: 1_000,
  };
}

/**
 * The control plane's read-only API as its routes answer it: a client-credentials JWT for
 * `urn:sre-platform:control-plane` with scope `controlplane.read` gets `GET /api/v1/info`,
 * `GET /api/v1/devices` and `GET /api/v1/devices/{id}` (from `devices`); anything else a 401 or 403.
 */
export async function startControlPlaneDouble(issuer: string, devices: readonly InventoryDeviceDetail[] = []): Promise<LocalServer> {
  const verify = createAccessTokenVerifier({ issuer, audience: controlPlaneAudience });
  const answer = (url: string | undefined): unknown => {
    if (url === '/api/v1/devices') return { items: devices.map(({ dependsOn: _dependsOn, dependents: _dependents, ...device }) => device) };
    const id = /^\/api\/v1\/devices\/([^/]+)$/.exec(url ?? '')?.[1];
    return id === undefined ? undefined : devices.find((device) => device.id === decodeURIComponent(id));
  };
  return listenLocally(async (request, response) => {
    if (request.method !== 'GET' || (request.url !== '/api/v1/info' && answer(request.url) === undefined)) {
      sendJson(response, 404, { title: 'Not found' });
      return;
    }
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    try {
      const caller = await verify(token);
      if (!caller.scopes.has('controlplane.read')) {
        response.setHeader('WWW-Authenticate', 'Bearer error="insufficient_scope", scope="controlplane.read"');
        sendJson(response, 403, { title: 'Insufficient scope' });
        return;
      }
      const body = request.url === '/api/v1/info' ? { service: 'control-plane', version: '0.1.0', caller: { clientId: caller.clientId, scopes: [...caller.scopes] } } : answer(request.url);
      sendJson(response, 200, body);
    } catch {
      response.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      sendJson(response, 401, { title: 'Authentication required' });
    }
  });
}
