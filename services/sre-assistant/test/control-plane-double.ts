import { createAccessTokenVerifier } from '@sre/auth';
import type { ControlPlaneClientOptions } from '../src/integrations/control-plane.client';
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
 * The control plane's `GET /api/v1/info` as its contract describes it: a client-credentials JWT
 * for `urn:sre-platform:control-plane` with scope `controlplane.read` gets
 * `{ service, version, caller }`; anything else a 401 or 403.
 */
export async function startControlPlaneDouble(issuer: string): Promise<LocalServer> {
  const verify = createAccessTokenVerifier({ issuer, audience: controlPlaneAudience });
  return listenLocally(async (request, response) => {
    if (request.method !== 'GET' || request.url !== '/api/v1/info') {
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
      sendJson(response, 200, { service: 'control-plane', version: '0.1.0', caller: { clientId: caller.clientId, scopes: [...caller.scopes] } });
    } catch {
      response.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      sendJson(response, 401, { title: 'Authentication required' });
    }
  });
}
