import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DigAnswer {
  status: string;
  answers: string[];
  flags: string;
}

/** Runs the real `dig` against a server on 127.0.0.1. */
export async function dig(port: number, name: string, type = 'A', extra: string[] = []): Promise<DigAnswer> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), name, type, '+tries=1', '+time=3', ...extra]);
  const status = /status: (\w+)/.exec(stdout)?.[1] ?? 'NONE';
  const flags = /flags: ([a-z ]+);/.exec(stdout)?.[1] ?? '';
  const section = /;; ANSWER SECTION:\n([\s\S]*?)\n\n/.exec(stdout)?.[1] ?? '';
  const answers = section
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(/\s+/).slice(3).join(' '));
  return { status, answers, flags };
}
