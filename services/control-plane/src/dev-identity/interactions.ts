import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, type Provider } from 'oidc-provider';
import { z } from 'zod';
import { authenticateDemoUser, demoUsers } from './demo-users';
import { errorPage, loginPage, type RenderedPage } from './pages';

/** Where oidc-provider sends the browser when it needs a login or consent (`interactions.url`). */
export const interactionPathPrefix = '/interaction/';

/** The path of one interaction's page. */
export function interactionPath(uid: string): string {
  return `${interactionPathPrefix}${uid}`;
}

export interface InteractionHandlerOptions {
  provider: Provider;
  /** The control plane: the one client that users sign in to, so its consent is implied. */
  firstPartyClientId: string;
  firstPartyClientName: string;
  log: (message: string) => void;
}

const maximumFormBytes = 16 * 1024;

const loginForm = z.object({
  username: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(200),
});

// What oidc-provider's consent prompt says is still missing from the grant.
const consentDetails = z.object({
  missingOIDCScope: z.array(z.string()).optional(),
  missingOIDCClaims: z.array(z.string()).optional(),
  missingResourceScopes: z.record(z.string(), z.array(z.string())).optional(),
});

const interactionRoute = /^\/interaction\/([\w-]+)(\/login)?$/;

class InteractionFailure extends Error {
  constructor(readonly status: number, readonly title: string, message: string) {
    super(message);
    this.name = 'InteractionFailure';
  }
}

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * Serves the login page and implies consent for the first-party client. Routes:
 * GET /interaction/{uid} shows the current prompt; POST /interaction/{uid}/login checks the
 * credentials. CSRF needs no token: the interaction cookie is SameSite=Lax, so a cross-site
 * POST arrives without it and finds no interaction.
 */
export function createInteractionHandler(options: InteractionHandlerOptions) {
  const { provider, firstPartyClientId, log } = options;

  const currentInteraction = async (request: IncomingMessage, response: ServerResponse, uid: string): Promise<Interaction> => {
    let interaction: Interaction;
    try {
      interaction = await provider.interactionDetails(request, response);
    } catch (error) {
      if (error instanceof errors.SessionNotFound) {
        throw new InteractionFailure(400, 'Sign-in expired', 'This sign-in attempt has expired or was already completed. Go back to the control plane and sign in again.');
      }
      throw error;
    }
    // The cookie decides which interaction this is; a page address naming another one is stale.
    if (interaction.uid !== uid) {
      throw new InteractionFailure(400, 'Sign-in out of date', 'This page belongs to another sign-in attempt. Go back to the control plane and sign in again.');
    }
    return interaction;
  };

  const showLogin = (response: ServerResponse, status: number, uid: string, failedAttempt?: { username?: string; error: string }) => {
    const action = `${interactionPath(uid)}/login`;
    writePage(response, status, loginPage({ action, clientName: options.firstPartyClientName, users: demoUsers, ...failedAttempt }));
  };

  const showPrompt = async (request: IncomingMessage, response: ServerResponse, uid: string) => {
    const interaction = await currentInteraction(request, response, uid);
    switch (interaction.prompt.name) {
      case 'login':
        showLogin(response, 200, uid);
        return;
      case 'consent':
        await finishConsent(request, response, interaction);
        return;
      default:
        throw new InteractionFailure(501, 'Unsupported prompt', `This development provider cannot handle the "${interaction.prompt.name}" prompt.`);
    }
  };

  const finishConsent = async (request: IncomingMessage, response: ServerResponse, interaction: Interaction) => {
    if (interaction.params.client_id !== firstPartyClientId) {
      await provider.interactionFinished(request, response, {
        error: 'access_denied',
        error_description: 'only the control plane may sign users in at the development identity provider',
      }, { mergeWithLastSubmission: false });
      return;
    }
    const accountId = interaction.session?.accountId;
    if (!accountId) throw new InteractionFailure(400, 'Sign-in incomplete', 'No user is signed in for this request. Go back to the control plane and sign in again.');

    const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId, clientId: firstPartyClientId });
    const missing = consentDetails.parse(interaction.prompt.details);
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope);
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes);
    }
    const grantId = await grant.save();
    await provider.interactionFinished(request, response, { consent: { grantId } }, { mergeWithLastSubmission: true });
  };

  const submitLogin = async (request: IncomingMessage, response: ServerResponse, uid: string) => {
    const interaction = await currentInteraction(request, response, uid);
    if (interaction.prompt.name !== 'login') {
      // Submitted twice, or after the login already went through: show whatever comes next.
      redirect(response, interactionPath(uid));
      return;
    }
    const form = loginForm.safeParse(Object.fromEntries(new URLSearchParams(await readBody(request))));
    if (!form.success) {
      showLogin(response, 422, uid, { error: 'Enter a username and a password.' });
      return;
    }
    const user = authenticateDemoUser(form.data.username, form.data.password);
    if (!user) {
      showLogin(response, 422, uid, { username: form.data.username, error: 'Unknown username or wrong password.' });
      return;
    }
    log(`demo user "${user.username}" signed in`);
    await provider.interactionFinished(request, response, { login: { accountId: user.subject } }, { mergeWithLastSubmission: false });
  };

  return async function handleInteraction(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const match = interactionRoute.exec(new URL(request.url ?? '/', 'http://localhost').pathname);
      const uid = match?.[1];
      if (!uid) throw new InteractionFailure(404, 'Not found', 'There is no page at this address.');
      const isLogin = match[2] !== undefined;
      if (!isLogin && request.method === 'GET') return await showPrompt(request, response, uid);
      if (isLogin && request.method === 'POST') return await submitLogin(request, response, uid);
      response.setHeader('Allow', isLogin ? 'POST' : 'GET');
      throw new InteractionFailure(405, 'Method not allowed', `${request.method ?? 'This method'} is not supported here.`);
    } catch (error) {
      if (error instanceof InteractionFailure) {
        writePage(response, error.status, errorPage(error.title, error.message));
        return;
      }
      log(`interaction ${request.method ?? ''} ${request.url ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) writePage(response, 500, errorPage('Sign-in failed', 'The development identity provider hit an internal error; its log says more.'));
      else response.destroy();
    }
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maximumFormBytes) throw new InteractionFailure(413, 'Form too large', 'The submitted form is larger than a login form can be.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function redirect(response: ServerResponse, location: string) {
  response.writeHead(303, { Location: location, 'Content-Length': '0' });
  response.end();
}

function writePage(response: ServerResponse, status: number, page: RenderedPage) {
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': page.contentSecurityPolicy,
    'Cache-Control': 'no-store',
  });
  response.end(page.html);
}
