import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioOutcome } from '../src/agent/index.js';

// `bulwark simulate --scenario` as a user runs it, against a real `bulwark serve`. The server
// must have the device events endpoint (POST /api/v1/device/events); without it every report
// stays in the outbox and the scenarios' expectations fail, which the first test says plainly.

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin/bulwark.js');
const examples = readdirSync(path.join(root, 'examples/scenarios')).filter((f) => f.endsWith('.json'));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bulwark simulate --scenario against bulwark serve', () => {
  let server: ChildProcess;
  let url = '';
  let token = '';

  beforeAll(async () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'bulwark-e2e-')), 'bulwark.db');
    server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', db, '--log-level', 'warn'], { cwd: root });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const listening = /listening on (\S+)/.exec(out);
        const enrollment = /Enrollment token:\s+(\S+)/.exec(out);
        if (listening && enrollment) {
          url = listening[1]!;
          token = enrollment[1]!;
          resolve();
        }
      });
      server.on('exit', (code) => reject(new Error(`bulwark serve exited with ${code}: ${out}`)));
    });
  });

  afterAll(() => {
    server?.kill('SIGTERM');
  });

  it('the server accepts device events (POST /api/v1/device/events, from the secops branch)', async () => {
    const openapi = (await (await fetch(`${url}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths), 'this server has no device events endpoint yet: merge the ingestion (secops) branch').toContain('/api/v1/device/events');
  });

  it.each(examples)('%s meets its expectations', async (file) => {
    const result = await run(['simulate', '--server', url, '--token', token, '--scenario', path.join('examples/scenarios', file), '--json']);
    expect(result.stderr).toBe('');
    const outcome = JSON.parse(result.stdout) as ScenarioOutcome;
    expect(outcome.mismatches).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('the fleet mode still works', async () => {
    const result = await run(['simulate', '--server', url, '--token', token, '--devices', '5']);
    expect(result.stdout).toMatch(/enrolled:\s+5/);
    expect(result.code).toBe(0);
  });
});
