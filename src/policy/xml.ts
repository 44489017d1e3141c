// A small XML reader for the documents policies come in (Apple plists). It handles elements,
// attributes, text, CDATA, comments, processing instructions and a DOCTYPE line, and rejects
// anything malformed with the line it happened on. No entity definitions, no namespaces.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text, entities decoded, children's text excluded. */
  text: string;
  line: number;
}

export type XmlResult = { ok: true; root: XmlElement } | { ok: false; problem: string };

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class XmlError extends Error {}

function decode(text: string, line: number): string {
  return text.replace(/&([^;\s&]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new XmlError(`line ${line}: "&" must be written &amp;`);
    if (name in NAMED) return NAMED[name]!;
    const code = /^#x[0-9a-f]+$/i.test(name) ? parseInt(name.slice(2), 16) : /^#\d+$/.test(name) ? parseInt(name.slice(1), 10) : NaN;
    if (Number.isNaN(code) || code > 0x10ffff) throw new XmlError(`line ${line}: unknown entity &${name};`);
    return String.fromCodePoint(code);
  });
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Parses one XML document into its root element. */
export function parseXml(source: string): XmlResult {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const lineAt = (at: number) => source.slice(0, at).split('\n').length;
  const skipPast = (marker: string, what: string) => {
    const end = source.indexOf(marker, i);
    if (end < 0) throw new XmlError(`line ${lineAt(i)}: unterminated ${what}`);
    const body = source.slice(i, end);
    i = end + marker.length;
    return body;
  };
  const addText = (raw: string, at: number) => {
    const top = stack[stack.length - 1];
    if (top) top.text += raw;
    else if (raw.trim() !== '') throw new XmlError(`line ${lineAt(at)}: text outside the root element`);
  };
  try {
    while (i < source.length) {
      const at = i;
      if (source.startsWith('<?', i)) skipPast('?>', 'processing instruction');
      else if (source.startsWith('<!--', i)) skipPast('-->', 'comment');
      else if (source.startsWith('<![CDATA[', i)) {
        i += 9;
        addText(skipPast(']]>', 'CDATA section'), at);
      } else if (source.startsWith('<!', i)) skipPast('>', 'declaration');
      else if (source.startsWith('</', i)) {
        i += 2;
        const name = skipPast('>', 'closing tag').trim();
        const open = stack.pop();
        if (!open || open.name !== name) throw new XmlError(`line ${lineAt(at)}: </${name}> closes ${open ? `<${open.name}> opened on line ${open.line}` : 'nothing'}`);
        open.text = decode(open.text, open.line);
      } else if (source[i] === '<') {
        i += 1;
        const tag = skipPast('>', 'tag');
        const selfClosing = tag.endsWith('/');
        const match = /^([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?$/.exec(tag);
        if (!match) throw new XmlError(`line ${lineAt(at)}: malformed tag <${tag}>`);
        const attributes: Record<string, string> = {};
        for (const a of match[2]!.matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attributes[a[1]!] = decode(a[2] ?? a[3] ?? '', lineAt(at));
        const element: XmlElement = { name: match[1]!, attributes, children: [], text: '', line: lineAt(at) };
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(element);
        else if (root) throw new XmlError(`line ${element.line}: a second root element <${element.name}>`);
        else root = element;
        if (!selfClosing) stack.push(element);
      } else {
        const next = source.indexOf('<', i);
        const end = next < 0 ? source.length : next;
        addText(source.slice(i, end), at);
        i = end;
      }
    }
    const unclosed = stack.pop();
    if (unclosed) throw new XmlError(`line ${unclosed.line}: <${unclosed.name}> is never closed`);
    if (!root) throw new XmlError('no root element');
    return { ok: true, root };
  } catch (err) {
    if (err instanceof XmlError) return { ok: false, problem: `malformed XML: ${err.message}` };
    throw err;
  }
}
