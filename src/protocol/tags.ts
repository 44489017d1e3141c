import { z } from 'zod';

export const TagValue = z.string().trim().min(1).max(200);

export const TagAction = z.object({ Value: TagValue, Action: z.enum(['Add', 'Remove']) });
export type TagAction = z.infer<typeof TagAction>;

export const MAX_TAG_DEVICES = 500;

export const BulkTagAction = TagAction.extend({ MachineIds: z.array(z.string().min(1).max(100)).min(1).max(MAX_TAG_DEVICES) });
export type BulkTagAction = z.infer<typeof BulkTagAction>;

/** The one tag set by configuration (`DefenderDeviceTag`) and the tags added by hand. */
export const DeviceTags = z.object({ configuration: z.string().nullable(), manual: z.array(z.string()) });
export type DeviceTags = z.infer<typeof DeviceTags>;

export const BulkTagResult = z.object({ updated: z.array(z.string()), notFound: z.array(z.string()) });
export type BulkTagResult = z.infer<typeof BulkTagResult>;
