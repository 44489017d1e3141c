import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BlobStorage, SecureStorage } from '../../agent/index.js';

/**
 * The agent's storage on a desktop: one file per key in a directory only the user can read
 * (0700, files 0600). Writes go to a temporary file renamed over the old one, so a crash
 * leaves the previous value or the new one, never half of each: the outbox relies on that.
 */
export class FileStorage implements SecureStorage {
  private ready: Promise<void> | undefined;
  /** Writes of one file, in the order they were asked for (the last one asked wins). */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(readonly dir: string) {}

  private file(key: string): string {
    return safeFile(this.dir, key, '.json');
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
    await this.serialized(this.file(key), value);
  }

  private serialized(target: string, data: string | Uint8Array): Promise<void> {
    const previous = this.writes.get(target) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(async () => {
      await this.ensureDir();
      await replaceFile(target, data);
    });
    this.writes.set(target, next);
    void next.finally(() => {
      if (this.writes.get(target) === next) this.writes.delete(target);
    }).catch(() => undefined);
    return next;
  }

  /** The same directory for larger files (the threat database), written the same way. */
  blobs(): BlobStorage {
    return {
      read: async (name) => {
        try {
          return new Uint8Array(await readFile(safeFile(this.dir, name, '.bin')));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
          throw err;
        }
      },
      write: async (name, bytes) => this.serialized(safeFile(this.dir, name, '.bin'), bytes),
    };
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }
}

function safeFile(dir: string, key: string, extension: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(key)) throw new Error(`storage key ${JSON.stringify(key)} is not a safe file name`);
  return path.join(dir, `${key}${extension}`);
}

/** Writes a temporary file and renames it over the target: readers see the old or the new file. */
let temps = 0;
async function replaceFile(target: string, data: string | Uint8Array): Promise<void> {
  const temp = `${target}.${process.pid}.${++temps}.tmp`;
  await writeFile(temp, data, { mode: 0o600 });
  await rename(temp, target);
}
