export { createAccessTokenVerifier, AccessTokenError, type AccessTokenVerifier, type VerifiedAccessToken, type TokenFailure } from './access-token-verifier';
export { createTokenSource, type TokenRequestOptions, type TokenSource, type TokenSourceOptions } from './client-credentials';
export { extractRoles, hasRole, highestRole, roles, type Role } from './roles';
