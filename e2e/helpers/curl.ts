import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The real curl through a proxy: status code and body. */
export async function curlThrough(proxyPort: number, url: string, extra: string[] = []): Promise<{ status: number; body: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('curl', ['-sS', '-x', `http://127.0.0.1:${proxyPort}`, '--max-time', '10', '-w', '\n%{http_code}', ...extra, url]);
    const cut = stdout.lastIndexOf('\n');
    return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut), stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    const out = e.stdout ?? '';
    const cut = out.lastIndexOf('\n');
    return { status: Number(out.slice(cut + 1)) || 0, body: out.slice(0, cut), stderr: e.stderr ?? '' };
  }
}
