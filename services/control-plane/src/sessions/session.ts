import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '@sre/auth';

export interface SessionUser {
  id: string;
  name: string;
  email: string | null;
  roles: Role[];
}

/** How a person is named to the assistant (`requestedBy`) and found again in its tasks: the email, else the name. */
export const requesterName = (user: SessionUser): string => user.email ?? user.name;

/** Login in progress: what the callback must find again to accept the provider's answer. */
export interface LoginState {
  codeVerifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

export interface SessionData {
  login?: LoginState;
  /** Kept for RP-initiated logout (`id_token_hint`). */
  idToken?: string;
}

export interface Session {
  id: string;
  csrfToken: string;
  user: SessionUser | undefined;
  data: SessionData;
  expiresAt: Date;
}

/** A new opaque cookie value; only its hash is stored. */
export const newSessionToken = (): string => randomBytes(32).toString('base64url');
export const newCsrfToken = (): string => randomBytes(32).toString('base64url');
export const sessionIdFor = (token: string): string => createHash('sha256').update(token).digest('base64url');
