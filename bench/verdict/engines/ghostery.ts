import { FiltersEngine, Request } from '@ghostery/adblocker';
import type { Engine } from './engine.js';

export const ghostery: Engine = {
  name: '@ghostery/adblocker',
  build(domains) {
    const engine = FiltersEngine.parse(domains.map((d) => `||${d}^`).join('\n'), { loadCosmeticFilters: false, loadNetworkFilters: true });
    return engine.serialize();
  },
  load(bytes) {
    const engine = FiltersEngine.deserialize(bytes);
    return (url) => engine.match(Request.fromRawDetails({ url, type: 'main_frame' })).match;
  },
};
