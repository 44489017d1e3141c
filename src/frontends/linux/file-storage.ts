import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SecureStorage } from '../../agent/index.js';

/**
 * The agent's storage on a desktop: one file per key in a directory only the user can read
 * (0700, files 0600). Writes go to a temporary file renamed over the old one, so a crash
 * leaves the previous value or the new one, never half of each: the outbox relies on that.
 */
export class FileStorage implements SecureStorage {
  private ready: Promise<void> | undefined;

  constructor(readonly dir: string) {}

  private file(key: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(key)) throw new Error(`storage key ${JSON.stringify(key)} is not a safe file name`);
    return path.join(this.dir, `${key}.json`);
  }

  private ensureDir(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 }).then(() => chmod(this.dir, 0o700));
    return this.ready;
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.file(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async set(key: string, value: string): Promise<void> {
    await this.ensureDir();
    const target = this.file(key);
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, value, { mode: 0o600 });
    await rename(temp, target);
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }
}
