import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPortUrl } from '../../test/http-server';
import { countTaskWrites, createTestApp, startAssistant, type AssistantUnderTest } from '../../test/test-app';
import { assistantAudience, type TokenIssuer } from '../../test/token-issuer';

const question = { question: 'Why is checkout slow since 14:00?' };
const invalidTokenChallenge = 'Bearer realm="sre-assistant", error="invalid_token"';

describe('bearer authentication (machine to machine)', () => {
  let assistant: AssistantUnderTest;

  beforeAll(async () => {
    assistant = await startAssistant();
  });
  afterAll(() => assistant.close());

  const execute = (authorization?: string) => {
    const call = request(assistant.app).post('/execute').send(question);
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };

  it('answers a request without a token with 401 and a bare challenge (RFC 6750 §3.1)', async () => {
    const before = await countTaskWrites(assistant.database.db);
    const response = await execute();
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="sre-assistant"');
    expect(response.body).toMatchObject({ type: 'urn:sre-platform:problem:unauthenticated', status: 401, detail: 'a bearer access token is required' });
    expect(await countTaskWrites(assistant.database.db)).toEqual(before);
  });

  it('treats another authentication scheme as no token', async () => {
    const response = await execute('Basic Y29udHJvbC1wbGFuZTpzZWNyZXQ=');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="sre-assistant"');
  });

  // A token the API would accept, before each case breaks one thing about it.
  const valid = { sub: 'control-plane', client_id: 'control-plane', aud: assistantAudience, scope: 'assistant.execute' };
  const inAMinute = () => Math.floor(Date.now() / 1000) + 60;
  const refusedTokens: Array<[string, (tokens: TokenIssuer) => Promise<string>, RegExp]> = [
    ['for another audience', (tokens) => tokens.sign({ ...valid, aud: 'urn:sre-platform:control-plane' }), /"aud"/],
    ['from another issuer', (tokens) => tokens.sign({ ...valid, iss: 'https://evil.example.com/realms/sre' }), /"iss"/],
    ['that has expired', (tokens) => tokens.sign(valid, { expiresInSeconds: -120 }), /expired/],
    ['that is unsigned (alg: none)', async (tokens) => unsignedToken({ ...valid, iss: tokens.issuer, exp: inAMinute() }), /"alg".* not allowed/],
    ['signed by a key the issuer does not publish', (tokens) => tokens.sign(valid, { unknownKey: true }), /no key of the issuer/],
    ['that is not a JWT at all', async () => 'not-a-jwt', /well-formed/],
    ['that names no client (an ID token)', (tokens) => tokens.sign({ sub: 'alice', aud: assistantAudience, scope: 'assistant.execute' }, { type: 'JWT' }), /client/],
  ];

  it.each(refusedTokens)('refuses a token %s with 401 invalid_token', async (_case, mint, detail) => {
    const before = await countTaskWrites(assistant.database.db);
    const response = await execute(`Bearer ${await mint(assistant.issuer)}`);
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe(invalidTokenChallenge);
    expect(response.body.type).toBe('urn:sre-platform:problem:unauthenticated');
    expect(response.body.detail).toMatch(detail);
    expect(await countTaskWrites(assistant.database.db)).toEqual(before);
  });

  it('refuses a valid token without the operation scope with 403 insufficient_scope naming it', async () => {
    const token = await assistant.issuer.accessToken({ clientId: 'control-plane', scope: 'assistant.read assistant.diagnose' });
    const response = await execute(`Bearer ${token}`);
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="sre-assistant", error="insufficient_scope", scope="assistant.execute"');
    expect(response.body).toMatchObject({ type: 'urn:sre-platform:problem:insufficient-scope', status: 403, detail: 'this operation needs the scope assistant.execute' });
  });

  it('accepts an RFC 9068 access token (typ at+jwt, client_id) and audits the client', async () => {
    const token = await assistant.issuer.accessToken({ clientId: 'control-plane', scope: 'assistant.execute' });
    const response = await execute(`Bearer ${token}`);
    expect(response.status).toBe(202);
    const audit = await assistant.database.db.selectFrom('audit_log').select(['actor', 'actor_type']).where('target_id', '=', response.body.id).executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: 'control-plane', actor_type: 'service' });
  });

  it('accepts a Keycloak access token (typ JWT, azp, audience from a mapper, realm roles, no client_id)', async () => {
    const token = await assistant.issuer.sign(
      {
        sub: 'f3b2c1d0-service-account-control-plane',
        azp: 'control-plane',
        aud: [assistantAudience, 'account'],
        typ: 'Bearer',
        scope: 'profile email assistant.execute',
        realm_access: { roles: ['offline_access', 'uma_authorization', 'operator'] },
        resource_access: { account: { roles: ['manage-account'] } },
        preferred_username: 'service-account-control-plane',
      },
      { type: 'JWT' },
    );
    const response = await execute(`bearer ${token}`);
    expect(response.status).toBe(202);
    const audit = await assistant.database.db.selectFrom('audit_log').select('actor').where('target_id', '=', response.body.id).executeTakeFirstOrThrow();
    expect(audit.actor).toBe('control-plane');
  });

  it("answers 503 when the issuer's keys cannot be fetched, without blaming the token", async () => {
    const unreachableApp = createTestApp({ db: assistant.database.db, issuer: `${await closedPortUrl()}/realms/sre`, taskQueue: assistant.taskQueue });
    const token = await assistant.issuer.accessToken({ clientId: 'control-plane', scope: 'assistant.execute' });
    const response = await request(unreachableApp).post('/execute').set('Authorization', `Bearer ${token}`).send(question);
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(response.body).toMatchObject({ type: 'urn:sre-platform:problem:auth-unavailable', detail: 'the token issuer could not be reached to fetch its keys' });
  });
});

function unsignedToken(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(claims)}.`;
}
