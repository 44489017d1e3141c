import { buildThreatDb, loadThreatDb, serializeThreatDb, verdict, type VerdictQuestion } from '../../../src/verdict/index.js';
import type { Engine } from './engine.js';

export const bulwark: Engine = {
  name: 'Bulwark',
  build(domains) {
    const { db } = buildThreatDb({ feeds: domains.map((value) => ({ value, source: 'bench', category: 'phishing' })) });
    return serializeThreatDb(db);
  },
  load(bytes) {
    const db = loadThreatDb(bytes);
    const now = Date.now();
    // The full question a supervised iOS device asks, look-alike check (default brands) included.
    return (url) => {
      const question: VerdictQuestion = { url, visibility: 'full-url', platform: 'ios', now };
      return verdict(db, question).action === 'Block';
    };
  },
};
