import { z } from 'zod';

/** Kinds of device timeline events: one per report type, open networks split in two. */
export const TimelineEventType = z.enum([
  'web_threat',
  'custom_indicator_hit',
  'open_network_connected',
  'open_network_disconnected',
  'rogue_network',
  'tls_interception',
  'suspicious_certificate',
  'remediated',
  'jailbreak',
  'tunnel_state',
  'inventory',
  'reports_dropped',
  'signed_out',
]);
export type TimelineEventType = z.infer<typeof TimelineEventType>;

export const TimelineEvent = z.object({
  id: z.string(),
  machineId: z.string(),
  type: TimelineEventType,
  occurredAt: z.string(),
  receivedAt: z.string(),
  title: z.string(),
  /** What the device reported, with private fields it did not send left out. */
  data: z.record(z.string(), z.unknown()),
  /** The alert this report created or updated, if any. */
  alertId: z.string().nullable(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export const TimelineQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Comma-separated event types. */
  type: z
    .string()
    .max(500)
    .transform((s, ctx) => {
      const types = s.split(',').map((t) => t.trim()).filter(Boolean);
      for (const t of types) {
        if (!TimelineEventType.safeParse(t).success) ctx.addIssue({ code: 'custom', message: `unknown event type ${t}; one of ${TimelineEventType.options.join(', ')}` });
      }
      return types as TimelineEventType[];
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});
export type TimelineQuery = z.infer<typeof TimelineQuery>;

export const TimelinePage = z.object({ items: z.array(TimelineEvent), nextCursor: z.string().nullable() });
export type TimelinePage = z.infer<typeof TimelinePage>;
