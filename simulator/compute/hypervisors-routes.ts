import { Hono } from 'hono';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import type { Host } from './model';
import { badRequest, notFound } from './errors';
import { requireAdmin } from './guards';
import { computeBase } from './links';

const cpuInfo = (h: Host) => ({
  arch: 'x86_64',
  model: 'Cascadelake-Server',
  vendor: 'Intel',
  topology: { cells: 2, sockets: 1, cores: h.vcpus / 4, threads: 2 },
  features: [],
});

/** os-hypervisors: list, detail, show, search/servers (old), statistics, uptime. */
export function hypervisorsRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const store = svc.store;
  const idOf = (c: ComputeContext, h: Host) => (c.get('mv') >= 53 ? h.hypervisorId : h.hypervisorSeq);

  const serversOf = (h: Host) =>
    [...h.servers]
      .map((id) => store.servers.get(id))
      .filter((s) => s && !s.deleted)
      .map((s) => ({ uuid: s!.id, name: `instance-${s!.seq.toString(16).padStart(8, '0')}` }));

  const summary = (c: ComputeContext, h: Host, withServers: boolean) => {
    const up = store.serviceUp(h);
    const v: Record<string, unknown> = {
      id: idOf(c, h),
      hypervisor_hostname: h.name,
      state: up ? 'up' : 'down',
      status: h.disabled ? 'disabled' : 'enabled',
    };
    if (withServers) v.servers = serversOf(h);
    return v;
  };

  const detail = (c: ComputeContext, h: Host, withServers: boolean) => {
    const mv = c.get('mv');
    const v: Record<string, unknown> = {
      ...summary(c, h, false),
      host_ip: h.hostIp,
      hypervisor_type: 'QEMU',
      hypervisor_version: 8002000,
      service: { host: h.name, id: mv >= 53 ? h.serviceId : h.serviceSeq, disabled_reason: h.disabledReason },
    };
    if (mv < 88) {
      const o = svc.cloud.options;
      Object.assign(v, {
        vcpus: h.vcpus,
        memory_mb: h.memoryMb,
        local_gb: h.localGb,
        vcpus_used: h.usedVcpus,
        memory_mb_used: h.usedMemoryMb + 512,
        local_gb_used: h.usedDiskGb,
        free_ram_mb: h.memoryMb - h.usedMemoryMb - 512,
        free_disk_gb: h.localGb - h.usedDiskGb,
        current_workload: [...h.servers].filter((id) => store.servers.get(id)?.taskState).length,
        running_vms: h.servers.size,
        disk_available_least: Math.floor(h.localGb * o.diskAllocationRatio - h.usedDiskGb),
        // 2.28 turned cpu_info from a JSON string into an object.
        cpu_info: mv >= 28 ? cpuInfo(h) : JSON.stringify(cpuInfo(h)),
      });
    } else {
      v.uptime = ` ${new Date().toISOString().slice(11, 19)} up 42 days,  3:14,  0 users,  load average: 0.50, 0.40, 0.30`;
    }
    if (withServers) v.servers = serversOf(h);
    return v;
  };

  const list = (isDetail: boolean) => (c: ComputeContext) => {
    requireAdmin(c, 'os_compute_api:os-hypervisors:list');
    const mv = c.get('mv');
    const q = c.req.query();
    let hosts = [...store.hosts.values()];
    if (mv >= 53 && q.hypervisor_hostname_pattern) {
      if (q.limit || q.marker)
        throw badRequest(
          'Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.',
        );
      const pat = q.hypervisor_hostname_pattern;
      hosts = hosts.filter((h) => h.name.includes(pat));
      if (hosts.length === 0) throw notFound(`No hypervisor matching '${pat}' could be found.`);
    }
    if (mv >= 33 && q.marker) {
      const i = hosts.findIndex((h) => String(idOf(c, h)) === q.marker);
      if (i < 0) throw badRequest(`marker [${q.marker}] not found`);
      hosts = hosts.slice(i + 1);
    }
    const limit = mv >= 33 && q.limit ? Number(q.limit) : undefined;
    const page = limit !== undefined ? hosts.slice(0, limit) : hosts;
    const withServers = mv >= 53 && ['true', '1', 'yes'].includes((q.with_servers ?? '').toLowerCase());
    const body: Record<string, unknown> = {
      hypervisors: page.map((h) => (isDetail ? detail(c, h, withServers) : summary(c, h, withServers))),
    };
    if (limit !== undefined && page.length === limit && page.length < hosts.length)
      body.hypervisors_links = [
        {
          rel: 'next',
          href: `${computeBase(c)}/os-hypervisors${isDetail ? '/detail' : ''}?limit=${limit}&marker=${idOf(c, page[page.length - 1])}`,
        },
      ];
    return c.json(body);
  };
  app.get('/os-hypervisors', list(false));
  app.get('/os-hypervisors/detail', list(true));

  app.get('/os-hypervisors/statistics', (c) => {
    requireAdmin(c, 'os_compute_api:os-hypervisors:statistics');
    if (c.get('mv') >= 88) throw notFound('The resource could not be found.');
    const hosts = [...store.hosts.values()];
    const sum = (f: (h: Host) => number) => hosts.reduce((a, h) => a + f(h), 0);
    return c.json({
      hypervisor_statistics: {
        count: hosts.length,
        vcpus: sum((h) => h.vcpus),
        vcpus_used: sum((h) => h.usedVcpus),
        memory_mb: sum((h) => h.memoryMb),
        memory_mb_used: sum((h) => h.usedMemoryMb + 512),
        free_ram_mb: sum((h) => h.memoryMb - h.usedMemoryMb - 512),
        local_gb: sum((h) => h.localGb),
        local_gb_used: sum((h) => h.usedDiskGb),
        free_disk_gb: sum((h) => h.localGb - h.usedDiskGb),
        current_workload: 0,
        running_vms: sum((h) => h.servers.size),
        disk_available_least: sum((h) => h.localGb - h.usedDiskGb),
      },
    });
  });

  // < 2.53: search by hostname pattern and list servers.
  app.get('/os-hypervisors/:pattern/search', (c) => {
    requireAdmin(c, 'os_compute_api:os-hypervisors:search');
    if (c.get('mv') >= 53) throw notFound('The resource could not be found.');
    const hosts = [...store.hosts.values()].filter((h) => h.name.includes(c.req.param('pattern')));
    if (!hosts.length) throw notFound(`No hypervisor matching '${c.req.param('pattern')}' could be found.`);
    return c.json({ hypervisors: hosts.map((h) => summary(c, h, false)) });
  });
  app.get('/os-hypervisors/:pattern/servers', (c) => {
    requireAdmin(c, 'os_compute_api:os-hypervisors:servers');
    if (c.get('mv') >= 53) throw notFound('The resource could not be found.');
    const hosts = [...store.hosts.values()].filter((h) => h.name.includes(c.req.param('pattern')));
    if (!hosts.length) throw notFound(`No hypervisor matching '${c.req.param('pattern')}' could be found.`);
    return c.json({ hypervisors: hosts.map((h) => summary(c, h, true)) });
  });

  const find = (c: ComputeContext) => {
    const id = c.req.param('id')!;
    const h =
      c.get('mv') >= 53
        ? [...store.hosts.values()].find((x) => x.hypervisorId === id)
        : [...store.hosts.values()].find((x) => String(x.hypervisorSeq) === id);
    if (!h) {
      if (c.get('mv') >= 53 && !/^[0-9a-f-]{36}$/i.test(id)) throw badRequest(`Invalid uuid ${id}`);
      throw notFound(`Hypervisor with ID '${id}' could not be found.`);
    }
    return h;
  };
  app.get('/os-hypervisors/:id', (c) => {
    requireAdmin(c, 'os_compute_api:os-hypervisors:show');
    const withServers =
      c.get('mv') >= 53 && ['true', '1', 'yes'].includes((c.req.query('with_servers') ?? '').toLowerCase());
    return c.json({ hypervisor: detail(c, find(c), withServers) });
  });
  app.get('/os-hypervisors/:id/uptime', (c) => {
    requireAdmin(c, 'os_compute_api:os-hypervisors:uptime');
    if (c.get('mv') >= 88) throw notFound('The resource could not be found.');
    const h = find(c);
    return c.json({
      hypervisor: {
        ...summary(c, h, false),
        uptime: ' 08:32:11 up 93 days, 18:25, 12 users,  load average: 0.20, 0.12, 0.14',
      },
    });
  });
  return app;
}
