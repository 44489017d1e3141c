import { z } from 'zod';

export const WebhookEventType = z.enum(['alert.created', 'alert.updated', 'risk.changed', 'compliance.changed']);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

export const WebhookCreate = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  events: z.array(WebhookEventType).min(1),
  description: z.string().max(500).optional(),
});
export type WebhookCreate = z.infer<typeof WebhookCreate>;

export const WebhookView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventType),
  description: z.string().nullable(),
  createdAt: z.string(),
});
export type WebhookView = z.infer<typeof WebhookView>;

export const WebhookCreated = WebhookView.extend({
  /** Shown once: the receiver checks `X-Bulwark-Signature` with it. */
  secret: z.string(),
});
export type WebhookCreated = z.infer<typeof WebhookCreated>;

export const WebhookDelivery = z.object({
  id: z.string(),
  eventId: z.string(),
  event: WebhookEventType,
  attempt: z.number().int(),
  status: z.enum(['pending', 'delivered', 'failed']),
  responseStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/** The body posted to a subscriber. */
export interface WebhookPayload {
  id: string;
  type: WebhookEventType;
  tenantId: string;
  occurredAt: string;
  data: unknown;
}
