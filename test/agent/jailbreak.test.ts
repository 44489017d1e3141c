import { describe, expect, it } from 'vitest';
import { CLEAN_DEVICE, JAILBREAK_THRESHOLD, ROOTLESS_JAILBREAK, assessJailbreak, jailbreakCheckDue } from '../../src/agent/index.js';

describe('jailbreak scoring', () => {
  it('a clean device passes', () => {
    expect(assessJailbreak(CLEAN_DEVICE)).toEqual({ jailbroken: false, score: 0, failedChecks: [] });
  });

  it('names every failed check of a rootless jailbreak', () => {
    const verdict = assessJailbreak(ROOTLESS_JAILBREAK);
    expect(verdict.jailbroken).toBe(true);
    expect(verdict.failedChecks).toEqual(['suspicious_files', 'url_schemes', 'injected_libraries', 'symlinks']);
  });

  it('one strong signal is enough', () => {
    expect(assessJailbreak({ ...CLEAN_DEVICE, writableSystemPaths: ['/private'] }).jailbroken).toBe(true);
    expect(assessJailbreak({ ...CLEAN_DEVICE, injectedLibraries: ['tweakinject.dylib'] }).jailbroken).toBe(true);
  });

  it('one weak signal alone is not (App Store apps register jailbreak-store schemes)', () => {
    for (const weak of [{ openableSchemes: ['sileo://'] }, { forkAllowed: true }, { dyldEnvironment: ['DYLD_INSERT_LIBRARIES'] }]) {
      const verdict = assessJailbreak({ ...CLEAN_DEVICE, ...weak });
      expect(verdict.jailbroken, JSON.stringify(weak)).toBe(false);
      expect(verdict.score).toBeLessThan(JAILBREAK_THRESHOLD);
    }
  });

  it('several weak signals together are', () => {
    expect(assessJailbreak({ ...CLEAN_DEVICE, openableSchemes: ['zbra://'], forkAllowed: true, dyldEnvironment: ['DYLD_INSERT_LIBRARIES'] })).toMatchObject({
      jailbroken: true,
      failedChecks: ['url_schemes', 'fork', 'dyld_environment'],
    });
  });

  it('emulators are never judged', () => {
    expect(assessJailbreak({ ...ROOTLESS_JAILBREAK, emulated: true }).jailbroken).toBe(false);
  });

  it('runs on every app open and when the interval has passed', () => {
    expect(jailbreakCheckDue(undefined, 0, 1000, false)).toBe(true);
    expect(jailbreakCheckDue(0, 999, 1000, false)).toBe(false);
    expect(jailbreakCheckDue(0, 999, 1000, true)).toBe(true);
    expect(jailbreakCheckDue(0, 1000, 1000, false)).toBe(true);
  });
});
