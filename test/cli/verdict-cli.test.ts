import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { threatdbBuildCommand } from '../../src/cli/threatdb.js';
import { verdictCommand } from '../../src/cli/verdict.js';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

describe('bulwark threatdb build / bulwark verdict', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-verdict-'));
  const list = path.join(dir, 'phish.txt');
  const hosts = path.join(dir, 'hosts');
  const csv = path.join(dir, 'indicators.csv');
  const db = path.join(dir, 'threat.db');
  writeFileSync(list, '# phishing\nevil.example\nhttp://docs.example/phish\ncom\n');
  writeFileSync(hosts, '127.0.0.1 localhost\n0.0.0.0 ads.example\n');
  writeFileSync(csv, 'indicatorType,indicatorValue,action,title,description,expirationTime\nDomainName,ok.evil.example,Allowed,Partner,allowed partner,\nIpAddress,245.245.0.1,Block,x,y,\n');

  it('compiles lists, hosts files and indicator CSVs, naming what it skipped', () => {
    const out = capture();
    const err = capture();
    expect(threatdbBuildCommand({ from: [list, hosts, csv], out: db, category: 'phishing', action: 'Block', sequence: '3' }, out.stream, err.stream)).toBe(0);
    expect(out.text()).toMatch(/3 list entries .* 1 indicators, .* sequence 3; 2 skipped/);
    expect(err.text()).toContain(`${list}:4: 'com': a top-level domain`);
    expect(err.text()).toContain(`${csv} row 2: indicatorValue: 245.245.0.1 is used internally`);
  });

  it('prints each verdict with its explanation, and domain-only answers say so', () => {
    const out = capture();
    verdictCommand(['https://login.evil.example/x', 'https://ok.evil.example/', 'http://ads.example/a.js', 'https://paypa1.com/'], { db, platform: 'ios' }, out.stream);
    expect(out.text().split('\n').filter(Boolean)).toEqual([
      'BLOCK   https://login.evil.example/x',
      '        feed phish (phishing) lists evil.example',
      'ALLOWED https://ok.evil.example/',
      '        indicator indicators:1 "Partner" (DomainName ok.evil.example, Allowed)',
      'BLOCK   http://ads.example/a.js',
      '        feed hosts (phishing) lists ads.example',
      'BLOCK   https://paypa1.com/',
      '        look-alike of paypal.com (edit-distance, 1 edit)',
    ]);
    const domainOnly = capture();
    verdictCommand(['http://docs.example/phish/x'], { db, platform: 'ios', domainOnly: true, json: true }, domainOnly.stream);
    expect(JSON.parse(domainOnly.text())).toMatchObject({ action: 'None', domainOnly: true });
  });

  it('refuses a corrupted database file, naming it', () => {
    const bytes = readFileSync(db);
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    const bad = path.join(dir, 'bad.db');
    writeFileSync(bad, bytes);
    expect(() => verdictCommand(['evil.example'], { db: bad, platform: 'ios' }, capture().stream)).toThrow(`${bad}: threat database: checksum mismatch`);
  });

  it('shows progress on large inputs', () => {
    const big = path.join(dir, 'big.txt');
    writeFileSync(big, Array.from({ length: 200_000 }, (_, i) => `host${i}.example`).join('\n'));
    const err = capture();
    threatdbBuildCommand({ from: [big], out: path.join(dir, 'big.db'), category: 'malware', action: 'Block', sequence: '0' }, capture().stream, err.stream);
    expect(err.text()).toMatch(/compiling: 4\/4/);
  });
});
