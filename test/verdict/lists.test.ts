import { describe, expect, it } from 'vitest';
import { parseDomainList } from '../../src/verdict/index.js';

describe('parseDomainList', () => {
  it('reads plain lists, hosts files and ||domain^ rules, skipping comments and loopback names', () => {
    const text = ['# a comment', '! adblock comment', '[Adblock Plus 2.0]', 'evil.example', '0.0.0.0 ads.example tracker.example # inline', '127.0.0.1 localhost', '::1 ip6-localhost', '||rule.example^', 'http://url.example/path', ''].join('\n');
    expect(parseDomainList(text)).toEqual([
      { line: 4, value: 'evil.example' },
      { line: 5, value: 'ads.example' },
      { line: 5, value: 'tracker.example' },
      { line: 8, value: 'rule.example' },
      { line: 9, value: 'http://url.example/path' },
    ]);
  });
});
