import { describe, expect, it } from 'vitest';
import { formatCanonical, parseUrl } from '../../src/verdict/canonical.js';

function canonical(input: string): string {
  const url = parseUrl(input);
  if ('error' in url) throw new Error(`${input}: ${url.error}`);
  return formatCanonical(url);
}

describe('parseUrl', () => {
  // Cases from the Safe Browsing canonicalization examples plus the edge cases the issue names.
  it.each([
    ['http://host/%25%32%35', 'host/%25'],
    ['http://host/%25%32%35%25%32%35', 'host/%25%25'],
    ['http://host/%2525252525252525', 'host/%25'],
    ['http://host/asdf%25%32%35asd', 'host/asdf%25asd'],
    ['http://host/%%%25%32%35asd%%', 'host/%25%25%25asd%25%25'],
    ['http://www.google.com/', 'www.google.com/'],
    ['http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/', '168.188.99.26/.secure/www.ebay.com/'],
    ['http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/', '195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/'],
    ['http://host%23.com/%257Ea%2521b%2540c%2523d%2524e%25f%255E00%252611%252A22%252833%252944_55%252B', 'error'],
    ['http://3279880203/blah', '195.127.0.11/blah'],
    ['http://www.google.com/blah/..', 'www.google.com/'],
    ['www.google.com/', 'www.google.com/'],
    ['www.google.com', 'www.google.com/'],
    ['http://www.evil.com/blah#frag', 'www.evil.com/blah'],
    ['http://www.GOOgle.com/', 'www.google.com/'],
    ['http://www.google.com.../', 'www.google.com/'],
    ['http://www.google.com/foo\tbar\rbaz\n2', 'www.google.com/foobarbaz2'],
    ['http://www.google.com/q?', 'www.google.com/q?'],
    ['http://www.google.com/q?r?', 'www.google.com/q?r?'],
    ['http://www.google.com/q?r?s', 'www.google.com/q?r?s'],
    ['http://evil.com/foo#bar#baz', 'evil.com/foo'],
    ['http://evil.com/foo;', 'evil.com/foo;'],
    ['http://evil.com/foo?bar;', 'evil.com/foo?bar;'],
    ['http://notrailingslash.com', 'notrailingslash.com/'],
    ['http://www.gotaport.com:1234/', 'www.gotaport.com/'],
    ['  http://www.google.com/  ', 'www.google.com/'],
    ['http:// leadingspace.com/', 'error'],
    ['http://%20leadingspace.com/', 'error'],
    ['https://www.securesite.com/', 'www.securesite.com/'],
    ['http://host.com/ab%23cd', 'host.com/ab%23cd'],
    ['http://host.com//twoslashes?more//slashes', 'host.com/twoslashes?more//slashes'],
    // encoded dots, IP forms, IDN, trailing dots, ports, user info
    ['http://evil%2ecom/login', 'evil.com/login'],
    ['http://evil%252ecom/', 'evil.com/'],
    ['http://0x7f.1/', '127.0.0.1/'],
    ['http://0177.0.0.01/', '127.0.0.1/'],
    ['http://2130706433/', '127.0.0.1/'],
    ['http://192.168.257/', '192.168.1.1/'],
    ['http://[2001:DB8:0:0:0:0:0:1]:8080/x', '[2001:db8::1]/x'],
    ['http://[::ffff:192.0.2.1]/', '[::ffff:c000:201]/'],
    ['http://bücher.de/', 'xn--bcher-kva.de/'],
    ['http://B%C3%BCcher.DE/', 'xn--bcher-kva.de/'],
    ['http://ｂüｃｈｅｒ。de/', 'xn--bcher-kva.de/'],
    ['http://evil.com./', 'evil.com/'],
    ['http://user:pass@evil.com:8443/a', 'evil.com/a'],
    ['http://good.com@evil.com/', 'evil.com/'],
    ['http://evil.com\\a\\b', 'evil.com/a/b'],
    ['http://evil.com/a/./b/../c//d', 'evil.com/a/c/d'],
    ['http://evil.com/ä', 'evil.com/%C3%A4'],
    ['http://evil.com/a b', 'evil.com/a%20b'],
    ['//evil.com/x', 'evil.com/x'],
    ['http://evil.com:notaport/', 'error'],
    ['http://ex ample.com/', 'error'],
    ['http:///path', 'error'],
    ['http://%ff.com/', 'error'],
  ])('%s → %s', (input, expected) => {
    if (expected === 'error') expect(parseUrl(input)).toHaveProperty('error');
    else expect(canonical(input)).toBe(expected);
  });

  it('keeps the query separate from the path and drops the scheme', () => {
    expect(parseUrl('HTTPS://Login.Example.COM/a/b?x=1&y=%41')).toEqual({ host: 'login.example.com', hostKind: 'domain', path: '/a/b', query: 'x=1&y=A' });
  });

  it('is idempotent on its own output', () => {
    for (const input of ['http://a.b.c/%2541%2F?q=%23', 'http://0x7f.1/..//x/', 'http://bücher.de/ä?ö']) {
      const once = canonical(input);
      expect(canonical(once)).toBe(once);
    }
  });
});
