import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openStorage, type Storage } from '../../src/server/storage/storage.js';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh, migrated, empty database. */
  open(): Promise<Storage>;
}

const pgUrl = process.env.BULWARK_TEST_PG_URL;

/**
 * The backends every storage and API suite runs on: SQLite always, PostgreSQL when
 * BULWARK_TEST_PG_URL is set. Each PostgreSQL database is a schema of its own, dropped on close.
 */
export function backends(): Backend[] {
  const list: Backend[] = [{ name: 'sqlite', open: () => openStorage('sqlite::memory:') }];
  if (pgUrl) {
    list.push({
      name: 'postgres',
      async open() {
        const schema = `t_${randomUUID().replace(/-/g, '')}`;
        const admin = new pg.Client({ connectionString: pgUrl });
        await admin.connect();
        await admin.query(`create schema ${schema}`);
        await admin.end();
        const url = new URL(pgUrl);
        url.searchParams.set('options', `-c search_path=${schema}`);
        const storage = await openStorage(url.toString());
        const closeStorage = storage.close.bind(storage);
        storage.close = async () => {
          await closeStorage();
          const cleanup = new pg.Client({ connectionString: pgUrl });
          await cleanup.connect();
          await cleanup.query(`drop schema ${schema} cascade`);
          await cleanup.end();
        };
        return storage;
      },
    });
  }
  return list;
}
