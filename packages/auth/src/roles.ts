import type { JWTPayload } from 'jose';

export const roles = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof roles)[number];

const isRole = (value: unknown): value is Role => typeof value === 'string' && (roles as readonly string[]).includes(value);

/**
 * The platform roles a token grants. Accepts a flat `roles` claim (oidc-provider, or Keycloak
 * with a mapper), Keycloak's `realm_access.roles`, and `resource_access.<clientId>.roles`;
 * unknown role names are ignored.
 */
export function extractRoles(claims: JWTPayload, clientId?: string): Role[] {
  const candidates: unknown[] = [];
  const collect = (value: unknown) => {
    if (Array.isArray(value)) candidates.push(...value);
  };
  collect(claims.roles);
  collect((claims.realm_access as { roles?: unknown } | undefined)?.roles);
  if (clientId) {
    const resourceAccess = claims.resource_access as Record<string, { roles?: unknown }> | undefined;
    collect(resourceAccess?.[clientId]?.roles);
  }
  return [...new Set(candidates.filter(isRole))];
}

/** The highest role held: admin > operator > viewer. */
export function highestRole(granted: readonly Role[]): Role | undefined {
  return [...roles].reverse().find((role) => granted.includes(role));
}

/** True when `granted` includes `required` or a role above it. */
export function hasRole(granted: readonly Role[], required: Role): boolean {
  const held = highestRole(granted);
  return held !== undefined && roles.indexOf(held) >= roles.indexOf(required);
}
