import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AccessDecision,
  AccessRequest,
  Alert,
  AlertList,
  AlertListQuery,
  AlertUpdate,
  ApiErrorBody,
  BulkTagAction,
  BulkTagResult,
  ComplianceResult,
  DeviceDetail,
  DeviceVulnerabilities,
  FleetVulnerabilities,
  IdParams,
  IndicatorImportRequest,
  IndicatorImportResult,
  IndicatorView,
  TagAction,
  TenantSettings,
  TenantSettingsUpdate,
  TimelinePage,
  TimelineQuery,
  WebhookCreate,
  WebhookCreated,
  WebhookDelivery,
  WebhookView,
} from '../../../protocol/index.js';
import type { Services } from '../app.js';
import { errors, requireAdmin, security, who } from './admin.js';

const CSV_LIMIT = 2 * 1024 * 1024;

/** Security operations: alerts, timelines, tags, indicators, vulnerabilities, access, webhooks, settings. */
export const secopsRoutes: FastifyPluginAsync<{ services: Services }> = async (base, { services }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  requireAdmin(app, services);
  const withConflict = { ...errors, 409: ApiErrorBody };
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_LIMIT }, (_request, body, done) => done(null, body));

  app.get('/alerts', { schema: { tags: ['alerts'], summary: 'The alert queue, newest first', security, querystring: AlertListQuery, response: { 200: AlertList, ...errors } } }, (request) =>
    services.alerts.list(who(request), request.query),
  );
  app.get('/alerts/:id', { schema: { tags: ['alerts'], security, params: IdParams, response: { 200: Alert, ...errors } } }, (request) => services.alerts.get(who(request), request.params.id));
  app.patch(
    '/alerts/:id',
    { schema: { tags: ['alerts'], summary: 'Triage: status, assignee, classification, determination, comment', security, params: IdParams, body: AlertUpdate, response: { 200: Alert, ...withConflict } } },
    (request) => services.alerts.update(who(request), request.params.id, request.body),
  );
  app.get(
    '/devices/:id/alerts',
    { schema: { tags: ['alerts'], security, params: IdParams, querystring: AlertListQuery, response: { 200: AlertList, ...errors } } },
    (request) => services.alerts.forDevice(who(request), request.params.id, request.query),
  );
  app.get(
    '/devices/:id/timeline',
    { schema: { tags: ['devices'], summary: 'Every report as an event, newest first', security, params: IdParams, querystring: TimelineQuery, response: { 200: TimelinePage, ...errors } } },
    (request) => services.alerts.timeline(who(request), request.params.id, request.query),
  );

  app.post(
    '/devices/:id/tags',
    { schema: { tags: ['devices'], summary: 'Add or remove a manual tag', security, params: IdParams, body: TagAction, response: { 200: DeviceDetail, ...errors } } },
    (request) => services.tags.tagDevice(who(request), request.params.id, request.body),
  );
  app.post(
    '/devices/tags',
    { schema: { tags: ['devices'], summary: 'Add or remove a manual tag on up to 500 devices', security, body: BulkTagAction, response: { 200: BulkTagResult, ...errors } } },
    (request) => services.tags.tagDevices(who(request), request.body),
  );

  app.get('/indicators', { schema: { tags: ['indicators'], security, response: { 200: z.array(IndicatorView), ...errors } } }, (request) => services.indicators.list(who(request)));
  app.post(
    '/indicators',
    // The body is checked by the indicator rules, which name each problem by field.
    { schema: { tags: ['indicators'], summary: 'Create a custom indicator', security, body: z.record(z.string(), z.unknown()), response: { 201: IndicatorView, ...withConflict } } },
    async (request, reply) => reply.code(201).send(await services.indicators.create(who(request), request.body)),
  );
  app.delete('/indicators/:id', { schema: { tags: ['indicators'], security, params: IdParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await services.indicators.delete(who(request), request.params.id);
    return reply.code(204).send(null);
  });
  app.post(
    '/indicators/import',
    { schema: { tags: ['indicators'], summary: 'Import up to 500 indicators; a result per row', security, body: IndicatorImportRequest, response: { 200: IndicatorImportResult, ...errors } } },
    (request) => services.indicators.import(who(request), request.body.Indicators),
  );
  app.post(
    '/indicators/import/csv',
    {
      schema: {
        tags: ['indicators'],
        summary: 'Import up to 500 indicators from the portal CSV format (Content-Type: text/csv)',
        security,
        consumes: ['text/csv'],
        body: z.string(),
        response: { 200: IndicatorImportResult, ...errors },
      },
    },
    (request) => services.indicators.importCsv(who(request), request.body),
  );

  app.get(
    '/devices/:id/vulnerabilities',
    { schema: { tags: ['vulnerabilities'], security, params: IdParams, response: { 200: DeviceVulnerabilities, ...errors } } },
    (request) => services.vulnerabilities.device(who(request), request.params.id),
  );
  app.get(
    '/vulnerabilities',
    { schema: { tags: ['vulnerabilities'], summary: 'Fleet view: by OS version, top CVEs, exposure per device', security, response: { 200: FleetVulnerabilities, ...errors } } },
    (request) => services.vulnerabilities.fleet(who(request)),
  );

  app.get(
    '/devices/:id/compliance',
    { schema: { tags: ['access'], summary: 'Compliant or not, and why', security, params: IdParams, response: { 200: ComplianceResult, ...errors } } },
    (request) => services.access.compliance(who(request), request.params.id),
  );
  app.post(
    '/access/evaluate',
    { schema: { tags: ['access'], summary: 'allow, block or wipe for a device (or user) opening an app', security, body: AccessRequest, response: { 200: AccessDecision, ...errors } } },
    (request) => services.access.evaluate(who(request), request.body),
  );

  app.get('/webhooks', { schema: { tags: ['webhooks'], security, response: { 200: z.array(WebhookView), ...errors } } }, (request) => services.webhooks.list(who(request)));
  app.post(
    '/webhooks',
    { schema: { tags: ['webhooks'], summary: 'Subscribe (the signing secret is shown once)', security, body: WebhookCreate, response: { 201: WebhookCreated, ...errors } } },
    async (request, reply) => reply.code(201).send(await services.webhooks.create(who(request), request.body)),
  );
  app.delete('/webhooks/:id', { schema: { tags: ['webhooks'], security, params: IdParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await services.webhooks.delete(who(request), request.params.id);
    return reply.code(204).send(null);
  });
  app.get(
    '/webhooks/:id/deliveries',
    { schema: { tags: ['webhooks'], summary: 'Delivery log, newest first', security, params: IdParams, response: { 200: z.array(WebhookDelivery), ...errors } } },
    (request) => services.webhooks.deliveries(who(request), request.params.id),
  );

  app.get('/settings', { schema: { tags: ['settings'], security, response: { 200: TenantSettings, ...errors } } }, (request) => services.settings.get(who(request)));
  app.patch(
    '/settings',
    { schema: { tags: ['settings'], security, body: TenantSettingsUpdate, response: { 200: TenantSettings, ...errors } } },
    (request) => services.settings.update(who(request), request.body),
  );
  await Promise.resolve();
};
