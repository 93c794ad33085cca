import type { SimCloud } from '../core/cloud';
import type { Host } from '../compute/model';
import { VOLUME_HOST } from '../volume/model';
import type { NetworkCounters } from './counters';
import { wanted, type ScrapeFilter } from './filter';
import { noRates, serverRates, type Rates } from './rates';
import { Family, exposition, labels } from './text-format';
import { DEFAULT_POOL_CAPACITY_GB } from '../volume/types';

const GiB = 1024 * 1024 * 1024;
/** Capacity of the simulator's default Cinder pool, and the IOPS at which a pool's latency saturates. */
export const STORAGE_CAPACITY_BYTES = DEFAULT_POOL_CAPACITY_GB * GiB;
export const STORAGE_MAX_IOPS = 20_000;
/** Line rate of a top-of-rack port (10 Gbit/s); traffic above it is discarded. */
export const PORT_SPEED_BPS = 10_000_000_000 / 8;

/** The top-of-rack switch port a host is cabled to: one switch per availability zone, one port per hypervisor. */
export function switchPortOf(h: Host): { switch: string; port: string; id: string } {
  const sw = `tor-${h.az}`;
  const port = `Ethernet${h.hypervisorSeq}`;
  return { switch: sw, port, id: `${sw}/${port}` };
}

const portLabelCache = new Map<string, { host: string; text: string }>();

/** A switch port's label set, kept while the same host is cabled to it (a scrape at 1,000 hosts writes 8,000 port samples). */
function portLabels(p: { switch: string; port: string; id: string }, host: string): string {
  let cached = portLabelCache.get(p.id);
  if (cached?.host !== host)
    portLabelCache.set(p.id, (cached = { host, text: labels({ switch: p.switch, port: p.port, host }) }));
  return cached.text;
}

/**
 * IF-MIB-like counters of the switch ports: a port's in-octets are what its host transmits, its
 * out-octets what the host receives; traffic above the line rate is counted as discards; a host
 * whose compute service stopped reporting has its link down (ifOperStatus 2).
 */
export function renderSwitchPorts(
  cloud: SimCloud,
  counters: NetworkCounters,
  filter: ScrapeFilter,
  hostRates: Map<string, Rates>,
  now: number,
): string {
  const store = cloud.service('compute').store;
  const f = {
    inOctets: new Family(
      'sim_switch_if_in_octets_total',
      'counter',
      'Octets received on the port, as IF-MIB ifHCInOctets.',
    ),
    outOctets: new Family(
      'sim_switch_if_out_octets_total',
      'counter',
      'Octets sent on the port, as IF-MIB ifHCOutOctets.',
    ),
    inErrors: new Family(
      'sim_switch_if_in_errors_total',
      'counter',
      'Inbound packets with errors, as IF-MIB ifInErrors.',
    ),
    outErrors: new Family(
      'sim_switch_if_out_errors_total',
      'counter',
      'Outbound packets with errors, as IF-MIB ifOutErrors.',
    ),
    inDiscards: new Family(
      'sim_switch_if_in_discards_total',
      'counter',
      'Inbound packets discarded, as IF-MIB ifInDiscards.',
    ),
    outDiscards: new Family(
      'sim_switch_if_out_discards_total',
      'counter',
      'Outbound packets discarded, as IF-MIB ifOutDiscards.',
    ),
    oper: new Family(
      'sim_switch_if_oper_status',
      'gauge',
      'Operational status of the port, as IF-MIB ifOperStatus (1 up, 2 down).',
    ),
    speed: new Family('sim_switch_if_speed_bytes', 'gauge', 'Line rate of the port in bytes per second.'),
  };
  for (const h of store.hosts.values()) {
    const p = switchPortOf(h);
    if (!wanted(filter, h.name, p.switch, p.id)) continue;
    const up = h.heartbeating && store.serviceUp(h);
    const r = up ? (hostRates.get(h.name) ?? noRates()) : noRates();
    // Port direction is the host's reversed; what exceeds the line rate is dropped, not forwarded.
    const inBytes = Math.min(r.txBytes, PORT_SPEED_BPS);
    const outBytes = Math.min(r.rxBytes, PORT_SPEED_BPS);
    const over = (bytes: number) => Math.max(0, bytes - PORT_SPEED_BPS) / 1000;
    const t = counters.integrate(
      `port:${p.id}`,
      { ...noRates(), rxBytes: inBytes, txBytes: outBytes, rxPackets: over(r.txBytes), txPackets: over(r.rxBytes) },
      now,
    );
    const l = portLabels(p, h.name);
    f.inOctets.add(l, t.rxBytes);
    f.outOctets.add(l, t.txBytes);
    f.inErrors.add(l, 0);
    f.outErrors.add(l, 0);
    f.inDiscards.add(l, t.rxPackets);
    f.outDiscards.add(l, t.txPackets);
    f.oper.add(l, up ? 1 : 2);
    f.speed.add(l, PORT_SPEED_BPS);
  }
  return exposition(Object.values(f));
}

/**
 * Each Cinder pool as its volume stats report it: capacity, what volumes allocate, and the IOPS of
 * the attached servers' disk load with a latency that grows as the pool nears saturation.
 */
export function renderStorage(cloud: SimCloud, filter: ScrapeFilter): string {
  const volume = cloud.services.volume;
  if (!volume) return '';
  const servers = cloud.services.compute?.store.servers;
  const f = {
    capacity: new Family(
      'sim_storage_capacity_bytes',
      'gauge',
      'Total capacity of the storage backend, as Cinder total_capacity_gb.',
    ),
    allocated: new Family(
      'sim_storage_allocated_bytes',
      'gauge',
      'Capacity allocated to volumes, as Cinder allocated_capacity_gb.',
    ),
    free: new Family('sim_storage_free_bytes', 'gauge', 'Free capacity of the backend, as Cinder free_capacity_gb.'),
    volumes: new Family('sim_storage_volumes', 'gauge', 'Volumes on the backend.'),
    iops: new Family('sim_storage_iops', 'gauge', 'I/O operations per second on the backend.'),
    latency: new Family('sim_storage_latency_seconds', 'gauge', 'Average I/O latency on the backend.'),
  };
  const per = new Map<string, { allocated: number; volumes: number; iops: number }>();
  for (const p of volume.pools.values()) per.set(p.name, { allocated: 0, volumes: 0, iops: 0 });
  const poolOf = (host: string | null | undefined) => per.get(host === undefined ? VOLUME_HOST : (host ?? ''));
  for (const v of volume.volumes.values()) {
    const p = poolOf(v.host);
    if (!p) continue;
    p.allocated += v.size * GiB;
    p.volumes++;
  }
  for (const a of volume.attachments.values()) {
    if (a.status !== 'attached') continue;
    const s = servers?.get(a.instance);
    const p = poolOf(volume.volumes.get(a.volume_id)?.host);
    if (s && p) {
      const r = serverRates(s);
      p.iops += r.readOps + r.writeOps;
    }
  }
  for (const pool of volume.pools.values()) {
    if (!wanted(filter, pool.name)) continue;
    const m = per.get(pool.name)!;
    const capacity = pool.totalCapacityGb * GiB;
    const l = labels({ backend: pool.name, volume_backend_name: pool.backend });
    f.capacity.add(l, capacity);
    f.allocated.add(l, m.allocated);
    f.free.add(l, Math.max(0, capacity - m.allocated));
    f.volumes.add(l, m.volumes);
    f.iops.add(l, Math.round(m.iops * 100) / 100);
    f.latency.add(l, Math.round((0.0005 + 0.02 * Math.min(1, m.iops / STORAGE_MAX_IOPS)) * 1e6) / 1e6);
  }
  return exposition(Object.values(f));
}
