import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, without credentials: safe to print and log. */
  location: string;
}

/**
 * Opens the database named by a URL: `postgres://…` (or `postgresql://…`), `sqlite:PATH`,
 * `sqlite::memory:`, or a plain file path (SQLite). SQLite files and their folder are created.
 */
export function openDatabase(url: string): OpenedDatabase {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const safe = new URL(url);
    safe.password = '';
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      dialect: 'postgres',
      location: `${safe.protocol}//${safe.host}${safe.pathname}`,
    };
  }
  const file = url.replace(/^sqlite:/i, '');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }),
    dialect: 'sqlite',
    location: file === ':memory:' ? 'sqlite (in memory)' : path.resolve(file),
  };
}
