import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can } from '../../src/server/auth/authz.js';
import { hashSecret, issueCredential, parseCredential, verifySecret } from '../../src/server/auth/secrets.js';
import { resetAdminPassword } from '../../src/server/services/provisioning.js';
import { testApi, type TestApi, type TestTenant } from '../helpers/api.js';
import { backends } from '../helpers/storage.js';

describe('secrets', () => {
  it('hashes with a salt and verifies only the right secret', async () => {
    const a = await hashSecret('correct horse', 'password');
    const b = await hashSecret('correct horse', 'password');
    expect(a).not.toBe(b);
    expect(await verifySecret('correct horse', a)).toBe(true);
    expect(await verifySecret('correct hors', a)).toBe(false);
    expect(await verifySecret('x', 'md5$abc')).toBe(false);
  });

  it('parses only credentials of the expected kind and shape', () => {
    const c = issueCredential('bwd');
    expect(parseCredential(c.token, 'bwd')).toEqual({ id: c.id, secret: c.secret });
    expect(parseCredential(c.token, 'bwa')).toBeUndefined();
    expect(parseCredential(`${c.token}x`, 'bwd')).toBeUndefined();
    expect(parseCredential('bwd_../../etc.passwd', 'bwd')).toBeUndefined();
  });
});

describe('authorization policy', () => {
  it('gives analysts reads only', () => {
    for (const action of ['devices:read', 'api-tokens:read', 'enrollment-tokens:read'] as const) expect(can('analyst', action)).toBe(true);
    for (const action of ['devices:write', 'api-tokens:write', 'enrollment-tokens:write'] as const) {
      expect(can('analyst', action)).toBe(false);
      expect(can('admin', action)).toBe(true);
    }
  });
});

describe.each(backends())('sessions and tokens on $name', (backend) => {
  let now = new Date('2026-11-01T08:00:00Z');
  let api: TestApi;
  let t: TestTenant;

  beforeAll(async () => {
    api = await testApi(backend, { now: () => now });
    t = await api.tenant('Gamma');
  });
  afterAll(() => api.close());

  const login = (password: string) => api.call('POST', '/api/v1/auth/login', { body: { email: t.adminEmail.toUpperCase(), password } });

  it('signs in with a session cookie that is HttpOnly and SameSite=Strict', async () => {
    expect((await login('wrong')).statusCode).toBe(401);
    const res = await login(t.adminPassword);
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    const who = await api.call('GET', '/api/v1/auth/whoami', { cookie });
    expect(who.json()).toMatchObject({ role: 'admin', via: 'session', tenantId: t.tenant.id });

    await api.call('POST', '/api/v1/auth/logout', { cookie });
    expect((await api.call('GET', '/api/v1/auth/whoami', { cookie })).statusCode).toBe(401);
  });

  it('expires sessions after 12 hours', async () => {
    const cookie = String((await login(t.adminPassword)).headers['set-cookie']).split(';')[0]!;
    now = new Date(now.getTime() + 11 * 3600_000);
    expect((await api.call('GET', '/api/v1/devices', { cookie })).statusCode).toBe(200);
    now = new Date(now.getTime() + 2 * 3600_000);
    expect((await api.call('GET', '/api/v1/devices', { cookie })).statusCode).toBe(401);
  });

  it('ends sessions when the password is reset from the CLI path', async () => {
    const cookie = String((await login(t.adminPassword)).headers['set-cookie']).split(';')[0]!;
    const password = await resetAdminPassword(api.storage, t.adminEmail);
    // The credential cache must not keep a session alive past its deletion for long: a new
    // AuthService (another node, or after a minute) sees it gone.
    const fresh = await testApiOnSameStorage(api);
    expect((await fresh.call('GET', '/api/v1/devices', { cookie })).statusCode).toBe(401);
    expect((await login(password)).statusCode).toBe(200);
    t.adminPassword = password;
  });

  it('stops accepting an API token as soon as it is revoked', async () => {
    const created = await api.call('POST', '/api/v1/api-tokens', { token: t.adminToken, body: { name: 'temp', role: 'admin' } });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json<{ id: string; token: string }>();
    expect((await api.call('GET', '/api/v1/devices', { token })).statusCode).toBe(200);
    expect((await api.call('DELETE', `/api/v1/api-tokens/${id}`, { token: t.adminToken })).statusCode).toBe(204);
    expect((await api.call('GET', '/api/v1/devices', { token })).statusCode).toBe(401);
    const listed = (await api.call('GET', '/api/v1/api-tokens', { token: t.analystToken })).json<Array<{ id: string; revokedAt: string | null; token?: string }>>();
    expect(listed.find((x) => x.id === id)?.revokedAt).not.toBeNull();
    expect(listed.every((x) => x.token === undefined)).toBe(true);
  });
});

async function testApiOnSameStorage(api: TestApi) {
  const { buildApp } = await import('../../src/server/http/app.js');
  const app = await buildApp({ storage: api.storage });
  return { call: (method: string, url: string, o: { cookie: string }) => app.inject({ method: method as 'GET', url, headers: { cookie: o.cookie } }) };
}
