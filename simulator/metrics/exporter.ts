import type { SimCloud } from '../core/cloud';
import { hostAlive } from '../admin/power';
import type { Host, Server } from '../compute/model';
import type { NetworkCounters } from './counters';
import { everything, wanted, type ScrapeFilter } from './filter';
import { renderStorage, renderSwitchPorts, switchPortOf } from './infrastructure';
import { accumulateServerRates, noRates, type Rates } from './rates';
import { Family, exposition, labels } from './text-format';

/** CPU share (0..1) of a host: its servers' load weighted by vCPUs, plus injected host load. */
export function hostCpuUtilisation(cloud: SimCloud, h: Host): number {
  const store = cloud.service('compute').store;
  let busy = (h.load?.cpu ?? 0) * h.vcpus;
  for (const id of h.servers) {
    const s = store.servers.get(id);
    if (s && running(s)) busy += s.load.cpu * s.flavor.vcpus;
  }
  return Math.min(1, busy / h.vcpus);
}

export function hostMemoryUsedMb(cloud: SimCloud, h: Host): number {
  const store = cloud.service('compute').store;
  let used = h.load?.memoryMb ?? 0;
  for (const id of h.servers) {
    const s = store.servers.get(id);
    if (s && running(s)) used += s.load.memoryMb;
  }
  return used;
}

const running = (s: Server) => !s.deleted && s.vmState === 'active';
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function hostFamilies() {
  return {
    up: new Family('sim_host_up', 'gauge', 'Whether the compute service of the host is up (1) or down (0).'),
    cpu: new Family('sim_host_cpu_utilisation', 'gauge', 'CPU utilisation of the host, 0..1.'),
    vcpus: new Family('sim_host_vcpus', 'gauge', 'Physical vCPUs of the host.'),
    vcpusUsed: new Family('sim_host_vcpus_allocated', 'gauge', 'vCPUs allocated to servers on the host.'),
    mem: new Family('sim_host_memory_bytes', 'gauge', 'Physical memory of the host in bytes.'),
    memUsed: new Family(
      'sim_host_memory_used_bytes',
      'gauge',
      'Memory in use on the host in bytes (server load plus injected host load).',
    ),
    servers: new Family('sim_host_servers', 'gauge', 'Servers placed on the host.'),
    load1: new Family('sim_host_load1', 'gauge', 'One-minute load average of the host (busy vCPUs), as node_load1.'),
    disk: new Family('sim_host_disk_bytes', 'gauge', 'Local disk of the host in bytes.'),
    diskUsed: new Family('sim_host_disk_used_bytes', 'gauge', 'Local disk allocated on the host in bytes.'),
    rx: new Family(
      'sim_host_network_receive_bytes_total',
      'counter',
      'Bytes received by the host, as node_network_receive_bytes_total.',
    ),
    tx: new Family('sim_host_network_transmit_bytes_total', 'counter', 'Bytes transmitted by the host.'),
  };
}

function serverFamilies() {
  return {
    cpu: new Family('sim_server_cpu_utilisation', 'gauge', 'CPU utilisation of the server, 0..1 of its vCPUs.'),
    cpuTime: new Family(
      'sim_server_cpu_time_seconds_total',
      'counter',
      'CPU time used by the server, as libvirt_domain_info_cpu_time_seconds_total.',
    ),
    vcpus: new Family('sim_server_vcpus', 'gauge', 'vCPUs of the server flavor.'),
    mem: new Family('sim_server_memory_used_bytes', 'gauge', 'Memory in use inside the server in bytes.'),
    memTotal: new Family('sim_server_memory_bytes', 'gauge', 'Memory of the server flavor in bytes.'),
    rx: new Family('sim_server_network_receive_bytes_total', 'counter', 'Bytes received by the server.'),
    tx: new Family('sim_server_network_transmit_bytes_total', 'counter', 'Bytes transmitted by the server.'),
    rxPackets: new Family('sim_server_network_receive_packets_total', 'counter', 'Packets received by the server.'),
    txPackets: new Family('sim_server_network_transmit_packets_total', 'counter', 'Packets transmitted by the server.'),
    readBytes: new Family(
      'sim_server_disk_read_bytes_total',
      'counter',
      'Bytes read from the server disks, as libvirt_domain_block_stats_read_bytes_total.',
    ),
    writeBytes: new Family('sim_server_disk_write_bytes_total', 'counter', 'Bytes written to the server disks.'),
    readOps: new Family('sim_server_disk_read_requests_total', 'counter', 'Read requests of the server disks.'),
    writeOps: new Family('sim_server_disk_write_requests_total', 'counter', 'Write requests of the server disks.'),
  };
}

const hostLabelCache = new WeakMap<Host, { of: string; text: string }>();

/** A host's label set, kept while its name and zone stay (a scrape at 1,000 hosts writes 12,000 host samples). */
function hostLabels(h: Host): string {
  const of = `${h.name}\n${h.az}`;
  let cached = hostLabelCache.get(h);
  if (cached?.of !== of)
    hostLabelCache.set(h, (cached = { of, text: labels({ host: h.name, availability_zone: h.az }) }));
  return cached.text;
}

function serverLabels(s: Server, host: string): string {
  const l: Record<string, string> = { server_id: s.id, name: s.name, project_id: s.projectId, host };
  if (s.metadata.cmp_group) l.cmp_group = s.metadata.cmp_group;
  return labels(l);
}

/**
 * Prometheus text exposition of hosts, servers, storage backends and switch ports, limited to the
 * families and targets of `filter`. A host powered off or hung reports only Nova's view of it
 * (up, capacity), no usage, and its servers are not reported (their exporter is unreachable), nor
 * are stopped servers. A host whose nova-compute alone stopped keeps reporting.
 */
export function renderMetrics(cloud: SimCloud, counters: NetworkCounters, filter: ScrapeFilter = everything): string {
  const compute = cloud.services.compute;
  if (!compute) return '';
  const store = compute.store;
  const wantHosts = filter.families.has('host');
  const wantServers = filter.families.has('server');
  const wantSwitch = filter.families.has('switch');
  const hf = hostFamilies();
  const sf = serverFamilies();
  const now = Date.now();
  const hostRates = new Map<string, Rates>();

  for (const h of store.hosts.values()) {
    const port = switchPortOf(h);
    const hostAsked =
      (wantHosts && wanted(filter, h.name)) || (wantSwitch && wanted(filter, h.name, port.switch, port.id));
    const up = store.serviceUp(h);
    const l = hostLabels(h);
    if (wantHosts && wanted(filter, h.name)) {
      hf.up.add(l, up ? 1 : 0);
      hf.servers.add(l, h.servers.size);
      hf.vcpus.add(l, h.vcpus);
      hf.vcpusUsed.add(l, h.usedVcpus);
      hf.mem.add(l, h.memoryMb * MiB);
      hf.disk.add(l, h.localGb * GiB);
      hf.diskUsed.add(l, h.usedDiskGb * GiB);
    }
    // The host's exporters run beside nova-compute, not through it: they answer while the host is alive.
    if (!hostAlive(h)) {
      hostRates.set(h.name, noRates());
      continue;
    }
    // One pass over the host's servers gives both the server samples and the host totals.
    let busyVcpus = (h.load?.cpu ?? 0) * h.vcpus;
    let usedMb = h.load?.memoryMb ?? 0;
    const rates = noRates();
    if (!hostAsked && !wantServers) continue;
    for (const id of h.servers) {
      const s = store.servers.get(id);
      if (!s || !running(s)) continue;
      if (hostAsked) {
        busyVcpus += s.load.cpu * s.flavor.vcpus;
        usedMb += s.load.memoryMb;
        accumulateServerRates(rates, s);
      }
      if (!wantServers || !wanted(filter, s.id)) continue;
      const sl = serverLabels(s, h.name);
      const c = counters.accrue(s, now);
      sf.cpu.add(sl, s.load.cpu);
      sf.cpuTime.add(sl, Math.round(c.cpuSeconds * 1000) / 1000);
      sf.vcpus.add(sl, s.flavor.vcpus);
      sf.mem.add(sl, s.load.memoryMb * MiB);
      sf.memTotal.add(sl, s.flavor.ram * MiB);
      sf.rx.add(sl, c.rxBytes);
      sf.tx.add(sl, c.txBytes);
      sf.rxPackets.add(sl, c.rxPackets);
      sf.txPackets.add(sl, c.txPackets);
      sf.readBytes.add(sl, c.readBytes);
      sf.writeBytes.add(sl, c.writeBytes);
      sf.readOps.add(sl, c.readOps);
      sf.writeOps.add(sl, c.writeOps);
    }
    if (!hostAsked) continue;
    hostRates.set(h.name, rates);
    if (wantHosts && wanted(filter, h.name)) {
      const t = counters.integrate(`host:${h.name}`, rates, now);
      hf.cpu.add(l, Math.min(1, busyVcpus / h.vcpus));
      hf.load1.add(l, Math.round(busyVcpus * 100) / 100);
      hf.memUsed.add(l, usedMb * MiB);
      hf.rx.add(l, t.rxBytes);
      hf.tx.add(l, t.txBytes);
    }
  }
  const parts = [exposition([...Object.values(hf), ...Object.values(sf)])];
  if (wantSwitch) parts.push(renderSwitchPorts(cloud, counters, filter, hostRates, now));
  if (filter.families.has('storage')) parts.push(renderStorage(cloud, filter));
  return parts.join('');
}
