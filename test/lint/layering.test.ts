import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Lints real source files with one line added, through the project's own eslint.config.js, so
// what is proven here is what `npm run lint` enforces.
const eslint = new ESLint({ cwd: process.cwd() });

async function problems(file: string, line: string): Promise<string[]> {
  const text = `${line}\n${readFileSync(file, 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath: file });
  return result!.messages.filter((m) => m.line === 1).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering lint rule', () => {
  it('fails a file in src/agent that imports node:fs', async () => {
    const found = await problems('src/agent/agent.ts', "import fs from 'node:fs'; void fs;");
    expect(found.some((p) => p.startsWith('bulwark/layering') && p.includes("'node:fs' is Node-only"))).toBe(true);
  });

  it('fails a bare builtin and a Node-only package in the pure layers', async () => {
    expect((await problems('src/policy/catalog.ts', "import path from 'path'; void path;")).join()).toContain('bulwark/layering');
    expect((await problems('src/protocol/device.ts', "import pg from 'pg'; void pg;")).join()).toContain('bulwark/layering');
  });

  it('fails Node globals in the agent core', async () => {
    expect((await problems('src/agent/agent.ts', 'export const env = process.env.HOME;')).join()).toContain('no-restricted-globals');
    expect((await problems('src/agent/agent.ts', 'export const b = Buffer.from("x");')).join()).toContain('no-restricted-globals');
  });

  it('fails an import against the dependency direction', async () => {
    const found = await problems('src/agent/agent.ts', "import { ApiError } from '../server/errors.js'; void ApiError;");
    expect(found.join()).toContain('src/agent may not import src/server');
    expect((await problems('src/server/errors.ts', "import { Agent } from '../agent/index.js'; void Agent;")).join()).toContain('src/server may not import src/agent');
  });

  it('lets the server use Node and the layers below it', async () => {
    expect(await problems('src/server/errors.ts', "import fs from 'node:fs'; void fs;")).toEqual([]);
    expect(await problems('src/server/errors.ts', "import { KEY_CATALOG } from '../policy/index.js'; void KEY_CATALOG;")).toEqual([]);
  });
});
