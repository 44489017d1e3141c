import type { DeviceFacts, Management } from '../protocol/index.js';

/** mulberry32: a small seeded PRNG, so a simulated fleet is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, weighted: ReadonlyArray<readonly [T, number]>): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [value, weight] of weighted) {
    r -= weight;
    if (r < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

// Roughly what an enterprise fleet looks like: most devices on a current release, a tail on
// older lines that still get security updates.
const OS_VERSIONS = [
  ['26.1', 22],
  ['26.0.1', 14],
  ['18.7.2', 12],
  ['18.6.2', 14],
  ['18.5', 8],
  ['18.3.2', 5],
  ['17.7.10', 8],
  ['17.5.1', 4],
  ['16.7.12', 6],
  ['16.7.10', 3],
] as const;

const IPHONES = ['iPhone17,1', 'iPhone17,3', 'iPhone16,2', 'iPhone16,1', 'iPhone15,4', 'iPhone15,2', 'iPhone14,7', 'iPhone14,5', 'iPhone13,2', 'iPhone14,6'];
const IPADS = ['iPad16,3', 'iPad14,8', 'iPad13,18', 'iPad14,1'];
const MANAGEMENT: ReadonlyArray<readonly [Management, number]> = [
  ['mdm', 60],
  ['mam', 30],
  ['none', 10],
];
const FIRST = ['alex', 'sam', 'kim', 'noor', 'li', 'maria', 'jonas', 'aiko', 'omar', 'eva', 'ravi', 'zoe'];
const LAST = ['berg', 'khan', 'smith', 'novak', 'garcia', 'tanaka', 'okafor', 'muller', 'rossi', 'dubois'];

/** `count` plausible iOS/iPadOS devices: OS versions, models, supervision and management mixed. */
export function simulatedFleet(count: number, seed = 1, domain = 'contoso.example'): DeviceFacts[] {
  const random = seededRandom(seed);
  const fleet: DeviceFacts[] = [];
  for (let i = 0; i < count; i++) {
    const ipad = random() < 0.15;
    const management = pick(random, MANAGEMENT);
    const user = `${FIRST[Math.floor(random() * FIRST.length)]}.${LAST[Math.floor(random() * LAST.length)]}${i}@${domain}`;
    const models = ipad ? IPADS : IPHONES;
    const serial = Array.from({ length: 10 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'[Math.floor(random() * 34)]).join('');
    fleet.push({
      platform: ipad ? 'ipados' : 'ios',
      osVersion: pick(random, OS_VERSIONS),
      model: models[Math.floor(random() * models.length)]!,
      deviceName: `${ipad ? 'iPad' : 'iPhone'} ${i + 1}`,
      serialNumber: serial,
      // Supervision comes with corporate (MDM) ownership; MAM devices are personal.
      supervised: management === 'mdm' && random() < 0.6,
      management,
      userPrincipalName: user,
      authenticatorAccount: management === 'mam' ? user : null,
      sharedDevice: false,
      agentVersion: '0.1.0',
    });
  }
  return fleet;
}
