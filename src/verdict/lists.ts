// Plain text feeds as they are published: one domain (or URL) a line, hosts files
// (`0.0.0.0 evil.example`), and `||evil.example^` block rules; `#` and `!` start comments.

/** Names hosts files map to themselves, not blocklist entries. */
const HOSTS_NAMES = new Set(['localhost', 'localhost.localdomain', 'local', 'broadcasthost', 'ip6-localhost', 'ip6-loopback', '0.0.0.0']);
const SINK_ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]*)$/i;

export interface ListLine {
  /** 1-based line number in the file. */
  line: number;
  value: string;
}

/** The entries of a domain list or hosts file, with their line numbers (for error messages). */
export function parseDomainList(text: string): ListLine[] {
  const out: ListLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\s[#!].*$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!') || line.startsWith('[')) return;
    const rule = /^\|\|([^/^$]+)\^?$/.exec(line);
    if (rule?.[1]) {
      out.push({ line: i + 1, value: rule[1] });
      return;
    }
    const tokens = line.split(/\s+/);
    const names = tokens.length > 1 && SINK_ADDRESS.test(tokens[0] ?? '') ? tokens.slice(1) : tokens;
    for (const name of names) if (!HOSTS_NAMES.has(name.toLowerCase())) out.push({ line: i + 1, value: name });
  });
  return out;
}
