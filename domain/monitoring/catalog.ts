/**
 * What the platform monitors and how each figure is read from Prometheus. Metric and label names
 * default to the simulator's exporter; a site maps them onto its node, libvirt and SNMP exporters
 * with MONITORING_METRICS (see `metricCatalog`).
 */
export const objectTypes = ['host', 'server', 'storage', 'switch_port'] as const;
export type ObjectType = (typeof objectTypes)[number];

export interface MetricDef {
  /** Source metric name in Prometheus. */
  metric: string;
  /** A gauge is read as is; a counter as its per-second rate. */
  kind: 'gauge' | 'counter';
  /** Factor applied to the value (100 turns a 0..1 share into percent). */
  scale?: number;
  unit: string;
  help: string;
}

export interface ObjectTypeDef {
  /** Labels that identify one object; an id names them joined by '/' (`tor-nova/Ethernet1`). */
  idLabels: string[];
  metrics: Record<string, MetricDef>;
}

const g = (metric: string, unit: string, help: string, scale?: number): MetricDef => ({
  metric,
  kind: 'gauge',
  unit,
  help,
  ...(scale ? { scale } : {}),
});
const c = (metric: string, unit: string, help: string): MetricDef => ({ metric, kind: 'counter', unit, help });

export const defaultCatalog: Record<ObjectType, ObjectTypeDef> = {
  host: {
    idLabels: ['host'],
    metrics: {
      up: g('sim_host_up', 'bool', 'compute service up (1) or down (0)'),
      cpu: g('sim_host_cpu_utilisation', 'percent', 'CPU utilisation', 100),
      memory_used: g('sim_host_memory_used_bytes', 'bytes', 'memory in use'),
      load1: g('sim_host_load1', 'load', 'one-minute load average'),
      disk_used: g('sim_host_disk_used_bytes', 'bytes', 'local disk allocated'),
      network_rx: c('sim_host_network_receive_bytes_total', 'bytes/s', 'network received'),
      network_tx: c('sim_host_network_transmit_bytes_total', 'bytes/s', 'network transmitted'),
    },
  },
  server: {
    idLabels: ['server_id'],
    metrics: {
      cpu: g('sim_server_cpu_utilisation', 'percent', 'CPU utilisation of its vCPUs', 100),
      memory_used: g('sim_server_memory_used_bytes', 'bytes', 'memory in use'),
      disk_read: c('sim_server_disk_read_bytes_total', 'bytes/s', 'disk read throughput'),
      disk_write: c('sim_server_disk_write_bytes_total', 'bytes/s', 'disk write throughput'),
      disk_read_iops: c('sim_server_disk_read_requests_total', 'ops/s', 'disk read operations'),
      disk_write_iops: c('sim_server_disk_write_requests_total', 'ops/s', 'disk write operations'),
      network_rx: c('sim_server_network_receive_bytes_total', 'bytes/s', 'network received'),
      network_tx: c('sim_server_network_transmit_bytes_total', 'bytes/s', 'network transmitted'),
      network_rx_packets: c('sim_server_network_receive_packets_total', 'packets/s', 'packets received'),
      network_tx_packets: c('sim_server_network_transmit_packets_total', 'packets/s', 'packets transmitted'),
    },
  },
  storage: {
    idLabels: ['backend'],
    metrics: {
      capacity: g('sim_storage_capacity_bytes', 'bytes', 'total capacity'),
      allocated: g('sim_storage_allocated_bytes', 'bytes', 'capacity allocated to volumes'),
      iops: g('sim_storage_iops', 'ops/s', 'I/O operations per second'),
      latency: g('sim_storage_latency_seconds', 'seconds', 'average I/O latency'),
    },
  },
  switch_port: {
    idLabels: ['switch', 'port'],
    metrics: {
      oper_status: g('sim_switch_if_oper_status', 'status', 'ifOperStatus (1 up, 2 down)'),
      in_octets: c('sim_switch_if_in_octets_total', 'bytes/s', 'octets in'),
      out_octets: c('sim_switch_if_out_octets_total', 'bytes/s', 'octets out'),
      in_errors: c('sim_switch_if_in_errors_total', 'packets/s', 'inbound errors'),
      out_errors: c('sim_switch_if_out_errors_total', 'packets/s', 'outbound errors'),
      in_discards: c('sim_switch_if_in_discards_total', 'packets/s', 'inbound discards'),
      out_discards: c('sim_switch_if_out_discards_total', 'packets/s', 'outbound discards'),
    },
  },
};

export type MetricCatalog = Record<ObjectType, ObjectTypeDef>;

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The defaults with a site's overrides: `{"server.cpu": "libvirt_domain_cpu_share", "host.idLabels": "instance"}`
 * renames a source metric or the identifying labels of a type. Unknown keys and bad names throw.
 */
export function metricCatalog(overridesJson?: string): MetricCatalog {
  const out = JSON.parse(JSON.stringify(defaultCatalog)) as MetricCatalog;
  if (!overridesJson) return out;
  const o = JSON.parse(overridesJson) as Record<string, string>;
  for (const [key, value] of Object.entries(o)) {
    const [type, name] = key.split('.') as [ObjectType, string];
    const def = out[type];
    if (!def) throw new Error(`MONITORING_METRICS: unknown object type in ${key}`);
    if (name === 'idLabels') {
      const labels = String(value).split(',');
      if (labels.length !== def.idLabels.length || !labels.every((l) => labelName.test(l)))
        throw new Error(`MONITORING_METRICS: ${key} needs ${def.idLabels.length} label name(s)`);
      def.idLabels = labels;
    } else {
      if (!def.metrics[name]) throw new Error(`MONITORING_METRICS: unknown metric ${key}`);
      if (!metricName.test(String(value)))
        throw new Error(`MONITORING_METRICS: ${key} is not a Prometheus metric name`);
      def.metrics[name]!.metric = String(value);
    }
  }
  return out;
}
