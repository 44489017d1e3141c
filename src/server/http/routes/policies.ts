import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiErrorBody,
  AppConfigPolicyInput,
  AppConfigPolicyView,
  AppProtectionPolicyInput,
  AppProtectionPolicyView,
  Assignment,
  CompliancePolicyInput,
  CompliancePolicyView,
  DeviceConfigView,
  GroupInput,
  GroupView,
  IdParams,
  PolicyPreview,
  PolicyPreviewRequest,
} from '../../../protocol/index.js';
import type { Principal } from '../../auth/authz.js';
import type { Services } from '../app.js';
import { errors as adminErrors, requireAdmin, security, who } from './admin.js';

const errors = { ...adminErrors, 409: ApiErrorBody };

/** The CRUD a collection offers: the same six routes for groups and every kind of policy. */
interface Crud<I, V> {
  list(p: Principal): Promise<V[]>;
  get(p: Principal, id: string): Promise<V>;
  create(p: Principal, input: I): Promise<V>;
  update(p: Principal, id: string, input: I): Promise<V>;
  remove(p: Principal, id: string): Promise<void>;
}

function crudRoutes<I, V>(
  base: FastifyInstance,
  path: string,
  tag: string,
  schemas: { input: z.ZodType<I>; view: z.ZodType<V> },
  service: Crud<I, V> & { assign?(p: Principal, id: string, a: Assignment): Promise<V> },
): void {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { input, view } = schemas;
  app.get(path, { schema: { tags: [tag], security, response: { 200: z.array(view), ...errors } } }, (request) => service.list(who(request)));
  app.post(path, { schema: { tags: [tag], security, body: input, response: { 201: view, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await service.create(who(request), request.body as I)),
  );
  app.get(`${path}/:id`, { schema: { tags: [tag], security, params: IdParams, response: { 200: view, ...errors } } }, (request) => service.get(who(request), request.params.id));
  app.put(`${path}/:id`, { schema: { tags: [tag], security, params: IdParams, body: input, response: { 200: view, ...errors } } }, (request) =>
    service.update(who(request), request.params.id, request.body as I),
  );
  app.delete(`${path}/:id`, { schema: { tags: [tag], security, params: IdParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await service.remove(who(request), request.params.id);
    return reply.code(204).send(null);
  });
  if (service.assign) {
    app.put(
      `${path}/:id/assignment`,
      { schema: { tags: [tag], summary: 'Replace who the policy reaches', security, params: IdParams, body: Assignment, response: { 200: view, ...errors } } },
      (request) => service.assign!(who(request), request.params.id, request.body),
    );
  }
}

/** Groups, policies, effective configurations and the what-if preview. Admin credentials; services authorize the role. */
export const policyRoutes: FastifyPluginAsync<{ services: Services }> = async (base, { services }) => {
  requireAdmin(base, services);
  crudRoutes(base, '/groups', 'groups', { input: GroupInput, view: GroupView }, services.groups);
  crudRoutes(base, '/app-config-policies', 'policies', { input: AppConfigPolicyInput, view: AppConfigPolicyView }, services.appConfigPolicies);
  crudRoutes(base, '/app-protection-policies', 'policies', { input: AppProtectionPolicyInput, view: AppProtectionPolicyView }, services.appProtectionPolicies);
  crudRoutes(base, '/compliance-policies', 'policies', { input: CompliancePolicyInput, view: CompliancePolicyView }, services.compliancePolicies);

  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/devices/:id/config',
    { schema: { tags: ['devices'], summary: 'Effective configuration with provenance and conflicts', security, params: IdParams, response: { 200: DeviceConfigView, ...errors } } },
    (request) => services.config.deviceConfig(who(request), request.params.id),
  );
  app.post(
    '/policies/preview',
    {
      schema: {
        tags: ['policies'],
        summary: 'What-if: the effect of a draft app-configuration policy on every device, without saving it',
        security,
        body: PolicyPreviewRequest,
        response: { 200: PolicyPreview, ...errors },
      },
    },
    (request) => services.config.preview(who(request), request.body),
  );
  await Promise.resolve();
};
