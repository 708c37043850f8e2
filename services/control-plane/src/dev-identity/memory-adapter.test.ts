import { describe, expect, it } from 'vitest';
import { createMemoryAdapter } from './memory-adapter';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advanceSeconds: (seconds: number) => (now += seconds * 1000) };
}

describe('createMemoryAdapter', () => {
  it('forgets a record once its lifetime has passed', async () => {
    const time = clock();
    const sessions = createMemoryAdapter(time.now)('Session');
    await sessions.upsert('session-1', { uid: 'uid-1', accountId: 'demo-admin' }, 60);

    time.advanceSeconds(59);
    expect(await sessions.find('session-1')).toMatchObject({ accountId: 'demo-admin' });
    expect(await sessions.findByUid('uid-1')).toMatchObject({ accountId: 'demo-admin' });

    time.advanceSeconds(1);
    expect(await sessions.find('session-1')).toBeUndefined();
    expect(await sessions.findByUid('uid-1')).toBeUndefined();
  });

  it('keeps models apart under the same id', async () => {
    const adapterFor = createMemoryAdapter();
    await adapterFor('Session').upsert('same-id', { accountId: 'demo-viewer' });

    expect(await adapterFor('Grant').find('same-id')).toBeUndefined();
    expect(await adapterFor('Session').find('same-id')).toMatchObject({ accountId: 'demo-viewer' });
  });

  it('marks a record consumed with the time in seconds', async () => {
    const time = clock(1_700_000_000_500);
    const codes = createMemoryAdapter(time.now)('AuthorizationCode');
    await codes.upsert('code-1', { grantId: 'grant-1' }, 60);

    await codes.consume('code-1');

    expect(await codes.find('code-1')).toMatchObject({ consumed: 1_700_000_000 });
  });

  it("revokes only the grant's records of the model asked", async () => {
    const adapterFor = createMemoryAdapter();
    const accessTokens = adapterFor('AccessToken');
    const codes = adapterFor('AuthorizationCode');
    await accessTokens.upsert('token-1', { grantId: 'grant-1' }, 600);
    await accessTokens.upsert('token-2', { grantId: 'grant-2' }, 600);
    await codes.upsert('code-1', { grantId: 'grant-1' }, 60);

    await accessTokens.revokeByGrantId('grant-1');

    expect(await accessTokens.find('token-1')).toBeUndefined();
    expect(await accessTokens.find('token-2')).toMatchObject({ grantId: 'grant-2' });
    expect(await codes.find('code-1')).toMatchObject({ grantId: 'grant-1' });
  });
});
