import type { Engine } from './engine.js';

/** The naive baseline: a Set of host names, serialised as a JSON array, matched by walking the host's suffixes. */
export const plainSet: Engine = {
  name: 'Set + suffix walk',
  build(domains) {
    return new TextEncoder().encode(JSON.stringify(domains));
  },
  load(bytes) {
    const set = new Set(JSON.parse(new TextDecoder().decode(bytes)) as string[]);
    return (url) => {
      let host = new URL(url).hostname;
      for (;;) {
        if (set.has(host)) return true;
        const dot = host.indexOf('.');
        if (dot < 0) return false;
        host = host.slice(dot + 1);
      }
    };
  },
};
