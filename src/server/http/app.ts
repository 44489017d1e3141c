import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type {
  ApiErrorBody,
  AppConfigPolicyInput,
  AppConfigPolicyView,
  AppProtectionPolicyInput,
  AppProtectionPolicyView,
  CompliancePolicyInput,
  CompliancePolicyView,
  ErrorCode,
} from '../../protocol/index.js';
import type { Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import { AuthService, type Clock } from '../services/auth.js';
import { ConfigService } from '../services/config.js';
import { DeviceService } from '../services/devices.js';
import { GroupService } from '../services/groups.js';
import { APP_CONFIG, APP_PROTECTION, COMPLIANCE, PolicyService } from '../services/policies.js';
import { AccessService } from '../services/access.js';
import { AlertService } from '../services/alerts.js';
import { IndicatorService } from '../services/indicators.js';
import { IngestionService } from '../services/ingestion.js';
import { StoredPolicySource, type PolicySource } from '../services/policy-source.js';
import { ThreatDbService } from '../services/threat-db.js';
import { notifyingWrites } from '../services/write-notifications.js';
import { cachingPolicyReads } from '../services/policy-read-cache.js';
import { PostureIndex } from '../services/posture-index.js';
import { EnrollmentTokenService } from '../services/provisioning.js';
import { SecOpsEvents } from '../services/secops-events.js';
import { SettingsService } from '../services/settings.js';
import { TagService } from '../services/tags.js';
import { VulnerabilityService } from '../services/vulnerabilities.js';
import { DEFAULT_RETRY, WebhookService, type RetryPolicy } from '../services/webhooks.js';
import type { Storage } from '../storage/storage.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { deviceApiRoutes } from './routes/device-api.js';
import { policyRoutes } from './routes/policies.js';
import { secopsRoutes } from './routes/secops.js';
import { systemRoutes } from './routes/system.js';

export const API_VERSION = '1.0.0';

export interface Services {
  auth: AuthService;
  devices: DeviceService;
  enrollmentTokens: EnrollmentTokenService;
  groups: GroupService;
  appConfigPolicies: PolicyService<AppConfigPolicyInput, AppConfigPolicyView>;
  appProtectionPolicies: PolicyService<AppProtectionPolicyInput, AppProtectionPolicyView>;
  compliancePolicies: PolicyService<CompliancePolicyInput, CompliancePolicyView>;
  config: ConfigService;
  ingestion: IngestionService;
  alerts: AlertService;
  tags: TagService;
  indicators: IndicatorService;
  vulnerabilities: VulnerabilityService;
  access: AccessService;
  webhooks: WebhookService;
  settings: SettingsService;
  threatDb: ThreatDbService;
  /** Changes the services announce to each other (webhooks and indexes listen). */
  events: SecOpsEvents;
}

export interface AppOptions {
  storage: Storage;
  clock?: Clock;
  /** A pino logger; none means no logs (tests). */
  logger?: FastifyBaseLogger;
  /** Mark the session cookie Secure (behind TLS). */
  secureCookies?: boolean;
  /** Compliance and app protection policies; by default the tenant's stored ones. */
  policies?: PolicySource;
  /** Webhook retry timing (tests shorten it). */
  webhookRetry?: RetryPolicy;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    services: Services;
  }
}

const systemClock: Clock = { now: () => new Date() };

/** Log options that keep credentials out of the logs. */
export const LOG_REDACT = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'];

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  return status < 500 ? 'validation_failed' : 'internal';
}

export interface ServiceOptions {
  clock?: Clock;
  policies?: PolicySource;
  webhookRetry?: RetryPolicy;
  /** Where background failures (webhook delivery, compliance refresh) are reported. */
  log?: (err: unknown) => void;
}

export function createServices(base: Storage, options: ServiceOptions = {}): Services {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => undefined);
  // Access decisions read policies from memory; every policy or group write invalidates it, and
  // a compliance policy or group change recomputes the tenant's stored compliance.
  const stored = new StoredPolicySource(base);
  const threatDb = new ThreatDbService(base, clock);
  const cached = cachingPolicyReads(base);
  const storage = notifyingWrites(cached, {
    policies: (tenantId, what) => {
      cached.invalidatePolicies(tenantId);
      stored.invalidate(tenantId);
      if (what === 'compliance' || what === 'group') access.recomputeCompliance(tenantId);
    },
    indicators: (tenantId) => threatDb.invalidate(tenantId),
  });
  const events = new SecOpsEvents();
  const index = new PostureIndex(storage, events);
  const vulnerabilities = new VulnerabilityService(storage, clock);
  const devices = new DeviceService(storage, clock, events, threatDb, vulnerabilities);
  const access = new AccessService(storage, clock, index, options.policies ?? stored, events, log);
  return {
    auth: new AuthService(storage, clock),
    devices,
    enrollmentTokens: new EnrollmentTokenService(storage, clock),
    groups: new GroupService(storage, clock),
    appConfigPolicies: new PolicyService(storage, clock, APP_CONFIG),
    appProtectionPolicies: new PolicyService(storage, clock, APP_PROTECTION),
    compliancePolicies: new PolicyService(storage, clock, COMPLIANCE),
    config: new ConfigService(storage),
    ingestion: new IngestionService(storage, clock, events),
    alerts: new AlertService(storage, clock, events),
    tags: new TagService(storage, devices),
    indicators: new IndicatorService(storage, clock),
    vulnerabilities,
    access,
    webhooks: new WebhookService(storage, clock, events, options.webhookRetry ?? DEFAULT_RETRY, log),
    settings: new SettingsService(storage, (tenantId) => access.forgetSettings(tenantId)),
    threatDb,
    events,
  };
}

/** Builds the HTTP API over a storage; `listen` is the caller's business. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // Device and admin ids are UUIDs; anything longer is noise or an attack.
    routerOptions: { maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);

  app.setErrorHandler((err, request, reply) => {
    let body: ApiErrorBody;
    let status: number;
    if (err instanceof ApiError) {
      status = err.status;
      body = { error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } };
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      status = 400;
      // The provider's issue type does not resolve through its d.ts; its shape is Ajv-like.
      const validation = err.validation as ReadonlyArray<{ instancePath?: string; message?: string }>;
      const issues = validation.map((v) => ({
        path: [err.validationContext, ...(v.instancePath ? v.instancePath.split('/').filter(Boolean) : [])].join('.'),
        message: v.message ?? 'invalid',
      }));
      body = { error: { code: 'validation_failed', message: `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues } };
    } else if (typeof (err as { statusCode?: unknown }).statusCode === 'number' && (err as { statusCode: number }).statusCode < 500) {
      status = (err as { statusCode: number }).statusCode;
      body = { error: { code: codeForStatus(status), message: (err as Error).message } };
    } else {
      request.log.error({ err }, 'request failed');
      status = 500;
      body = { error: { code: 'internal', message: 'internal error; the server log has the details' } };
    }
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ApiErrorBody = { error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } };
    return reply.code(404).send(body);
  });

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Bulwark API', version: API_VERSION, description: 'Management API of Bulwark, the open mobile threat defense platform.' },
      components: {
        securitySchemes: {
          adminToken: { type: 'http', scheme: 'bearer', description: 'admin API token (bwa_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'bulwark_session' },
          deviceSecret: { type: 'http', scheme: 'bearer', description: 'device secret issued at enrollment (bwd_…)' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  const services = createServices(options.storage, {
    clock: options.clock,
    policies: options.policies,
    webhookRetry: options.webhookRetry,
    log: (err) => app.log.error({ err }, 'background work failed'),
  });
  app.decorate('services', services);
  // Webhook attempts a previous run left pending are taken up again once the app is ready.
  app.addHook('onReady', () => services.webhooks.resume().catch((err: unknown) => app.log.error({ err }, 'resuming webhook deliveries failed')));
  app.addHook('onClose', () => services.webhooks.close());
  await app.register(systemRoutes, { storage: options.storage });
  await app.register(deviceApiRoutes, { prefix: '/api/v1/device', services });
  await app.register(authRoutes, { prefix: '/api/v1', services, secureCookies: options.secureCookies ?? false });
  await app.register(adminRoutes, { prefix: '/api/v1', services });
  await app.register(policyRoutes, { prefix: '/api/v1', services });
  await app.register(secopsRoutes, { prefix: '/api/v1', services });
  return app;
}
