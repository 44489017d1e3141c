import type { JailbreakObservations } from './adapter.js';

export type JailbreakCheck =
  | 'suspicious_files'
  | 'sandbox_write'
  | 'url_schemes'
  | 'injected_libraries'
  | 'fork'
  | 'symlinks'
  | 'dyld_environment';

// Weights follow how often each signal misfires on stock devices (research/device-checks.md 1.4):
// a writable system path or an injected tweak library is near-proof; a URL scheme can belong to
// an App Store app, fork and DYLD variables misfire in debug builds. A verdict needs either one
// strong signal or several independent weak ones.
export const CHECK_WEIGHTS: Record<JailbreakCheck, number> = {
  sandbox_write: 3,
  injected_libraries: 3,
  suspicious_files: 2,
  symlinks: 2,
  url_schemes: 1,
  fork: 1,
  dyld_environment: 1,
};

export const JAILBREAK_THRESHOLD = 3;

export interface JailbreakVerdict {
  jailbroken: boolean;
  score: number;
  failedChecks: JailbreakCheck[];
}

/** Scores raw observations and names each failed check. Emulators are never judged. */
export function assessJailbreak(o: JailbreakObservations): JailbreakVerdict {
  if (o.emulated) return { jailbroken: false, score: 0, failedChecks: [] };
  const failed: Record<JailbreakCheck, boolean> = {
    suspicious_files: o.suspiciousPaths.length > 0,
    sandbox_write: o.writableSystemPaths.length > 0,
    url_schemes: o.openableSchemes.length > 0,
    injected_libraries: o.injectedLibraries.length > 0,
    fork: o.forkAllowed,
    symlinks: o.suspiciousSymlinks.length > 0,
    dyld_environment: o.dyldEnvironment.length > 0,
  };
  const failedChecks = (Object.keys(failed) as JailbreakCheck[]).filter((check) => failed[check]);
  const score = failedChecks.reduce((sum, check) => sum + CHECK_WEIGHTS[check], 0);
  return { jailbroken: score >= JAILBREAK_THRESHOLD, score, failedChecks };
}

/** Periodic checks: due on every app open and when the interval has passed since the last one. */
export function jailbreakCheckDue(lastCheckAt: number | undefined, now: number, intervalMs: number, appOpen: boolean): boolean {
  return appOpen || lastCheckAt === undefined || now - lastCheckAt >= intervalMs;
}
