import { z } from 'zod';
import { lbAlgorithms, lbMonitorTypes, lbProtocols } from '../../domain/orders/items';

/** Request shapes of tenant products shared by orders and the product routes. */
export const bandwidth = z
  .object({
    egressMbps: z.number().int().min(1).max(100_000).optional(),
    ingressMbps: z.number().int().min(1).max(100_000).optional(),
  })
  .strict()
  .refine((b) => b.egressMbps !== undefined || b.ingressMbps !== undefined, 'egressMbps, ingressMbps or both');

const healthMonitor = z
  .object({
    type: z.enum(lbMonitorTypes),
    delay: z.number().int().min(1).max(3600),
    timeout: z.number().int().min(1).max(3600),
    maxRetries: z.number().int().min(1).max(10),
    urlPath: z.string().regex(/^\//).max(255).optional(),
  })
  .strict()
  .refine((h) => h.timeout <= h.delay, 'timeout must not exceed delay');

/** A listener with its pool (algorithm, member port, the tenant's instances) and optional health monitor. */
export const lbListener = z
  .object({
    protocol: z.enum(lbProtocols),
    port: z.number().int().min(1).max(65535),
    connectionLimit: z.number().int().min(-1).max(1_000_000).optional(),
    pool: z
      .object({
        algorithm: z.enum(lbAlgorithms),
        memberPort: z.number().int().min(1).max(65535),
        members: z.array(z.string().uuid()).max(50),
        healthMonitor: healthMonitor.optional(),
      })
      .strict(),
  })
  .strict();
