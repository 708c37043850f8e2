import { errors, type Client, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';

export const assistantResource = 'urn:sre-platform:sre-assistant';
export const controlPlaneResource = 'urn:sre-platform:control-plane';

export interface ResourceServerClients {
  controlPlaneClientId: string;
  assistantClientId: string;
}

interface ResourceServerPolicy {
  scopes: ReadonlySet<string>;
  /** The only client that may obtain tokens for this API. */
  clientId: string;
}

/**
 * Machine-to-machine access between the two services: the control plane calls the assistant,
 * the assistant reads the control plane. Tokens are RS256 JWTs bound to the API by `aud`.
 */
export function createResourceIndicators(clients: ResourceServerClients, accessTokenTtlSeconds: number) {
  const policies = new Map<string, ResourceServerPolicy>([
    [assistantResource, { scopes: new Set(['assistant.diagnose', 'assistant.execute', 'assistant.read']), clientId: clients.controlPlaneClientId }],
    [controlPlaneResource, { scopes: new Set(['controlplane.read']), clientId: clients.assistantClientId }],
  ]);

  return {
    enabled: true,

    getResourceServerInfo(context: KoaContextWithOIDC, resource: string, client: Client): ResourceServer {
      const policy = policies.get(resource);
      if (!policy) throw new errors.InvalidTarget(`unknown resource ${resource}; known: ${[...policies.keys()].join(', ')}`);
      if (policy.clientId !== client.clientId) throw new errors.InvalidTarget(`client ${client.clientId} may not obtain tokens for ${resource}`);
      if (isClientCredentialsRequest(context)) refuseUnavailableScopes(context, resource, policy.scopes);
      return {
        scope: [...policy.scopes].join(' '),
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: accessTokenTtlSeconds,
        jwt: { sign: { alg: 'RS256' } },
      };
    },

    // Without a resource, client credentials would yield an opaque token no API accepts; say so.
    defaultResource(context: KoaContextWithOIDC, _client: Client, oneOf?: readonly string[]) {
      if (oneOf) return oneOf;
      if (isClientCredentialsRequest(context)) {
        throw new errors.InvalidTarget(`name the API the token is for with the resource parameter (${[...policies.keys()].join(' or ')})`);
      }
      return undefined;
    },
  };
}

function isClientCredentialsRequest(context: KoaContextWithOIDC): boolean {
  return context.oidc.route === 'token' && context.oidc.params?.grant_type === 'client_credentials';
}

// oidc-provider would silently drop scopes the API does not offer and issue a token without
// them; a service asking for a scope it cannot have is misconfigured, so it should hear that.
function refuseUnavailableScopes(context: KoaContextWithOIDC, resource: string, available: ReadonlySet<string>) {
  const requested = typeof context.oidc.params?.scope === 'string' ? context.oidc.params.scope.split(' ').filter(Boolean) : [];
  const unavailable = requested.filter((scope) => !available.has(scope));
  if (unavailable.length > 0) {
    throw new errors.InvalidScope(`scope not available for ${resource}: ${unavailable.join(' ')}`, unavailable.join(' '));
  }
}
