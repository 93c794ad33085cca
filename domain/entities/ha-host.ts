import { EntitySchema } from '@mikro-orm/core';

/**
 * ok → suspect (missed heartbeats confirmed by a second signal) → failed (rule met) → fenced (powered
 * off and forced down, evacuating or evacuated) → ok only when an operator releases it. `degraded`:
 * Nova reports the compute service down while the host itself still runs (metrics, probe): alarmed,
 * never evacuated. `failed` also holds a host that could not be fenced. `maintenance` is a drained host.
 */
export type HaHostState = 'ok' | 'suspect' | 'degraded' | 'failed' | 'fenced' | 'maintenance';

/** The HA view of one compute host: detector memory and fencing state. */
export class HaHost {
  hostname!: string;
  state: HaHostState = 'ok';
  /** Times (ms) of the current run of missed heartbeats (see domain/scheduling/failure-detection). */
  missTimes: number[] = [];
  lastSeenAt?: Date | null;
  failedAt?: Date | null;
  fencedAt?: Date | null;
  /** The evacuation that fenced the host, while fenced. */
  evacuationId?: string | null;
  note?: string | null;
  /** As the last sweep saw the compute service and hypervisor. */
  up?: boolean | null;
  enabled?: boolean | null;
  vcpus?: number | null;
  memoryMb?: number | null;
  usedVcpus?: number | null;
  usedMemoryMb?: number | null;
  runningVms?: number | null;
  updatedAt: Date = new Date();
}

export const HaHostSchema = new EntitySchema<HaHost>({
  class: HaHost,
  tableName: 'ha_hosts',
  properties: {
    hostname: { type: 'string', length: 255, primary: true },
    state: { type: 'string', length: 16 },
    missTimes: { type: 'json' },
    lastSeenAt: { type: 'datetime', nullable: true },
    failedAt: { type: 'datetime', nullable: true },
    fencedAt: { type: 'datetime', nullable: true },
    evacuationId: { type: 'string', length: 36, nullable: true },
    note: { type: 'string', length: 255, nullable: true },
    up: { type: 'boolean', nullable: true },
    enabled: { type: 'boolean', nullable: true },
    vcpus: { type: 'integer', nullable: true },
    memoryMb: { type: 'integer', nullable: true },
    usedVcpus: { type: 'integer', nullable: true },
    usedMemoryMb: { type: 'integer', nullable: true },
    runningVms: { type: 'integer', nullable: true },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
