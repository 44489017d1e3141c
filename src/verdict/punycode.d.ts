// The userland punycode package (the Node builtin of the same name is deprecated and not
// available in JavaScriptCore); it ships no types.
declare module 'punycode/punycode.js' {
  const punycode: { toASCII(domain: string): string; toUnicode(domain: string): string };
  export default punycode;
}
