import { z } from 'zod';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name');

/**
 * How one host is powered off. `ipmi` drives the host's BMC with Debian's `ipmitool`; the password is
 * never in the configuration, only the name of the worker's environment variable holding it
 * (`passwordEnv`). `simulator` drives the simulator's power API (its URL defaults to the cloud's).
 * `managementAddress` (and `probePort`, 22 by default) is probed over TCP as the host's second signal.
 */
export const fenceTargetSchema = z.discriminatedUnion('driver', [
  z
    .object({
      driver: z.literal('ipmi'),
      address: z.string().min(1),
      username: z.string().min(1),
      passwordEnv: envName,
      interface: z.enum(['lanplus', 'lan']).default('lanplus'),
      managementAddress: z.string().min(1).optional(),
      probePort: z.number().int().min(1).max(65535).default(22),
    })
    .strict(),
  z.object({ driver: z.literal('simulator'), url: z.string().url().optional() }).strict(),
]);

export type FenceTarget = z.infer<typeof fenceTargetSchema>;

/** Fencing per host name; `*` applies to every host not named. */
export type FencingConfig = Record<string, FenceTarget>;

/** Parses `HA_FENCING` (JSON: `{"compute-01": {"driver": "ipmi", ...}, "*": {...}}`); bad input throws naming the host. */
export function parseFencing(json: string | undefined): FencingConfig {
  if (!json?.trim()) return {};
  const raw = JSON.parse(json) as Record<string, unknown>;
  const out: FencingConfig = {};
  for (const [host, v] of Object.entries(raw)) {
    const r = fenceTargetSchema.safeParse(v);
    if (!r.success) throw new Error(`HA_FENCING ${host}: ${r.error.issues.map((i) => i.message).join('; ')}`);
    out[host] = r.data;
  }
  return out;
}

export function fenceTargetOf(cfg: FencingConfig | undefined, host: string): FenceTarget | undefined {
  return cfg?.[host] ?? cfg?.['*'];
}

/** What the hosts API shows of a host's fencing: the driver and address, never a credential or its reference. */
export function fencingView(
  t: FenceTarget | undefined,
): { driver: FenceTarget['driver']; address: string | null } | null {
  if (!t) return null;
  return { driver: t.driver, address: t.driver === 'ipmi' ? t.address : (t.url ?? null) };
}

/** HA_FENCING, or the embedded simulator's power API for every host when the platform runs it and nothing is set. */
export function fencingFromConfig(cfg: { HA_FENCING?: string; SIMULATOR_EMBEDDED: boolean }): FencingConfig {
  if (cfg.HA_FENCING) return parseFencing(cfg.HA_FENCING);
  return cfg.SIMULATOR_EMBEDDED ? { '*': { driver: 'simulator' } } : {};
}
