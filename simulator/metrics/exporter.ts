import type { SimCloud } from '../core/cloud';
import type { Host, Server } from '../compute/model';
import type { NetworkCounters } from './counters';

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>) => '{' + Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`).join(',') + '}';

interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: string[];
}

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

/**
 * Prometheus text exposition of host and server load. Servers on hosts whose compute service
 * is down are not reported (their exporter would be unreachable), nor are stopped servers.
 */
export function renderMetrics(cloud: SimCloud, counters: NetworkCounters): string {
  const compute = cloud.services.compute;
  if (!compute) return '';
  const store = compute.store;
  const fam = (name: string, type: Family['type'], help: string): Family => ({ name, type, help, samples: [] });
  const hostUp = fam('sim_host_up', 'gauge', 'Whether the compute service of the host is up (1) or down (0).');
  const hostCpu = fam('sim_host_cpu_utilisation', 'gauge', 'CPU utilisation of the host, 0..1.');
  const hostVcpus = fam('sim_host_vcpus', 'gauge', 'Physical vCPUs of the host.');
  const hostVcpusUsed = fam('sim_host_vcpus_allocated', 'gauge', 'vCPUs allocated to servers on the host.');
  const hostMem = fam('sim_host_memory_bytes', 'gauge', 'Physical memory of the host in bytes.');
  const hostMemUsed = fam('sim_host_memory_used_bytes', 'gauge', 'Memory in use on the host in bytes (server load plus injected host load).');
  const hostServers = fam('sim_host_servers', 'gauge', 'Servers placed on the host.');
  const srvCpu = fam('sim_server_cpu_utilisation', 'gauge', 'CPU utilisation of the server, 0..1 of its vCPUs.');
  const srvVcpus = fam('sim_server_vcpus', 'gauge', 'vCPUs of the server flavor.');
  const srvMem = fam('sim_server_memory_used_bytes', 'gauge', 'Memory in use inside the server in bytes.');
  const srvMemTotal = fam('sim_server_memory_bytes', 'gauge', 'Memory of the server flavor in bytes.');
  const srvRx = fam('sim_server_network_receive_bytes_total', 'counter', 'Bytes received by the server.');
  const srvTx = fam('sim_server_network_transmit_bytes_total', 'counter', 'Bytes transmitted by the server.');
  const now = Date.now();
  const MiB = 1024 * 1024;

  for (const h of store.hosts.values()) {
    const l = labels({ host: h.name, availability_zone: h.az });
    const up = store.serviceUp(h);
    hostUp.samples.push(`sim_host_up${l} ${up ? 1 : 0}`);
    hostServers.samples.push(`sim_host_servers${l} ${h.servers.size}`);
    hostVcpus.samples.push(`sim_host_vcpus${l} ${h.vcpus}`);
    hostVcpusUsed.samples.push(`sim_host_vcpus_allocated${l} ${h.usedVcpus}`);
    hostMem.samples.push(`sim_host_memory_bytes${l} ${h.memoryMb * MiB}`);
    if (!up) continue;
    // One pass over the host's servers gives both the server samples and the host totals.
    let busyVcpus = (h.load?.cpu ?? 0) * h.vcpus;
    let usedMb = h.load?.memoryMb ?? 0;
    for (const id of h.servers) {
      const s = store.servers.get(id);
      if (!s || !running(s)) continue;
      busyVcpus += s.load.cpu * s.flavor.vcpus;
      usedMb += s.load.memoryMb;
      let sl = `{server_id="${s.id}",name="${esc(s.name)}",project_id="${s.projectId}",host="${h.name}"`;
      if (s.metadata.cmp_group) sl += `,cmp_group="${esc(s.metadata.cmp_group)}"`;
      sl += '}';
      const c = counters.accrue(s, now);
      srvCpu.samples.push(`sim_server_cpu_utilisation${sl} ${s.load.cpu}`);
      srvVcpus.samples.push(`sim_server_vcpus${sl} ${s.flavor.vcpus}`);
      srvMem.samples.push(`sim_server_memory_used_bytes${sl} ${s.load.memoryMb * MiB}`);
      srvMemTotal.samples.push(`sim_server_memory_bytes${sl} ${s.flavor.ram * MiB}`);
      srvRx.samples.push(`sim_server_network_receive_bytes_total${sl} ${c.rx}`);
      srvTx.samples.push(`sim_server_network_transmit_bytes_total${sl} ${c.tx}`);
    }
    hostCpu.samples.push(`sim_host_cpu_utilisation${l} ${Math.min(1, busyVcpus / h.vcpus)}`);
    hostMemUsed.samples.push(`sim_host_memory_used_bytes${l} ${usedMb * MiB}`);
  }
  const families = [hostUp, hostCpu, hostVcpus, hostVcpusUsed, hostMem, hostMemUsed, hostServers, srvCpu, srvVcpus, srvMem, srvMemTotal, srvRx, srvTx];
  return families.map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.samples].join('\n')).join('\n') + '\n';
}
