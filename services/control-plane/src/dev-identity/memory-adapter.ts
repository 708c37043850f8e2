import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface StoredRecord {
  model: string;
  payload: AdapterPayload;
  /** Epoch milliseconds; Infinity when the record does not expire. */
  expiresAt: number;
}

/**
 * In-memory storage for one provider instance. oidc-provider ships one too, but announces it
 * on the console as unfit for production on every start; a development provider that loses
 * its sessions on restart is exactly what is wanted here, so it gets its own quiet store.
 * Lookups by uid or grant scan all records: a development provider holds a handful.
 */
export function createMemoryAdapter(now: () => number = Date.now): AdapterFactory {
  const records = new Map<string, StoredRecord>();

  const live = (key: string): StoredRecord | undefined => {
    const record = records.get(key);
    if (record && record.expiresAt <= now()) {
      records.delete(key);
      return undefined;
    }
    return record;
  };

  const findLive = (matches: (record: StoredRecord) => boolean): AdapterPayload | undefined => {
    for (const [key, record] of records) {
      if (matches(record) && live(key)) return record.payload;
    }
    return undefined;
  };

  const removeExpired = () => {
    for (const key of records.keys()) live(key);
  };

  return (model: string): Adapter => {
    const keyFor = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresInSeconds) {
        removeExpired();
        const expiresAt = expiresInSeconds === undefined ? Infinity : now() + expiresInSeconds * 1000;
        records.set(keyFor(id), { model, payload, expiresAt });
      },
      async find(id) {
        return live(keyFor(id))?.payload;
      },
      async findByUid(uid) {
        return findLive((record) => record.model === model && record.payload.uid === uid);
      },
      async findByUserCode(userCode) {
        return findLive((record) => record.model === model && record.payload.userCode === userCode);
      },
      async consume(id) {
        const record = live(keyFor(id));
        if (record) record.payload.consumed = Math.floor(now() / 1000);
      },
      async destroy(id) {
        records.delete(keyFor(id));
      },
      // oidc-provider calls this on each token model's adapter when a grant ends (logout, code reuse).
      async revokeByGrantId(grantId) {
        for (const [key, record] of records) {
          if (record.model === model && record.payload.grantId === grantId) records.delete(key);
        }
      },
    };
  };
}
