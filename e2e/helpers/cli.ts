import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BIN = path.resolve('bin/bulwark.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bulwark ARGS…` as a user would, to completion. */
export function runCli(args: string[], options: { timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bulwark ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ServedBulwark {
  url: string;
  dir: string;
  db: string;
  /** Everything the server printed on stdout so far. */
  output(): string;
  adminEmail: string;
  adminPassword: string;
  enrollmentToken: string;
  process: ChildProcess;
  /** SIGTERM, then waits; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `bulwark serve` on a free port with a database of its own in a temporary folder. */
export async function serveBulwark(extraArgs: string[] = []): Promise<ServedBulwark> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-e2e-'));
  const db = path.join(dir, 'bulwark.db');
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db, '--log-level', 'warn', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

  const started = Date.now();
  while (!/Enrollment token:/.test(stdout)) {
    if (child.exitCode !== null || Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`bulwark serve did not start\n${stdout}\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const field = (label: string) => new RegExp(`${label}:\\s+(\\S+)`).exec(stdout)![1]!;
  return {
    url: /listening on (\S+)/.exec(stdout)![1]!,
    dir,
    db,
    output: () => stdout,
    adminEmail: field('Admin email'),
    adminPassword: field('Admin password'),
    enrollmentToken: field('Enrollment token'),
    process: child,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Signs in through the API and returns the session cookie. */
export async function login(server: ServedBulwark): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: server.adminEmail, password: server.adminPassword }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}
