import fs from 'node:fs/promises';
import { importVulnData } from '../server/services/vulnerabilities.js';
import { withStorage } from './admin.js';

/** `bulwark vulndb import FILE...`: replaces the data set each file holds (Apple releases, KEV, app advisories). */
export async function vulndbImportCommand(files: string[], flags: { db?: string }): Promise<void> {
  await withStorage(flags.db, async (storage) => {
    for (const file of files) {
      const text = await fs.readFile(file, 'utf8');
      try {
        const { kind, records } = await importVulnData(storage, text, new Date());
        process.stdout.write(`${file}: imported ${records} ${kind} records\n`);
      } catch (err) {
        throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  });
}
