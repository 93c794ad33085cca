// Portal pages of running resources (instances, volumes, networks, floating IPs, images, scaling groups)
// and of host operations (hosts, migrations, evacuations, scheduling policy, drift).
(() => {
  const { h, status, pagedTable, form, toast } = UI;
  const when = (d) => (d ? new Date(d).toLocaleString() : '—');
  const addresses = (a) => Object.entries(a || {}).map(([net, list]) => `${net}: ${(list || []).map((x) => x.addr || x).join(', ')}`).join('; ') || '—';

  async function showActions(view, id) {
    const p = await Api.get(`/instances/${id}/actions`);
    const old = view.querySelector('.actions-detail');
    const card = h('div', { class: 'card actions-detail' }, h('h2', {}, 'Actions'),
      h('ol', { class: 'progress' }, [...(p.current ? [p.current] : []), ...(p.history || [])].map((a) => h('li', { class: a.status === 'failed' ? 'failed' : a.status === 'succeeded' ? 'done' : 'running' },
        `${a.action}: ${a.status}${a.step ? ` (${a.step})` : ''}${a.error ? ` — ${a.error.message || a.error}` : ''}`))));
    if (old) old.replaceWith(card); else view.append(card);
  }

  function action(label, act, extra, cls) {
    return { label, class: cls, when: extra && extra.when, run: (r) => Api.post(`/instances/${r.id}/actions`, { action: act, ...(extra && extra.body ? extra.body(r) : {}) }) };
  }

  const resourceColumns = [{ key: 'name', label: 'Name' }, { key: 'status', label: 'Status', render: (r) => status(r.status) }, { key: 'osStatus', label: 'OpenStack' }, { key: 'createdAt', label: 'Created', render: (r) => when(r.createdAt) }];

  function resourcePage(id, title, path, perms, actions, createForm) {
    return {
      id, title, perms,
      render: async (view) => {
        view.replaceChildren(h('h1', {}, title));
        const table = await pagedTable(view, { path, columns: resourceColumns, actions });
        if (createForm) view.append(form(createForm, async (v) => { await Api.post(path, createForm.body ? createForm.body(v) : v); toast(`${title}: created`); await table.reload(); }));
      },
    };
  }

  const instancesPage = (perms) => ({
    id: 'instances', title: 'Instances', perms,
    render: async (view) => {
      view.replaceChildren(h('h1', {}, 'Instances'));
      await pagedTable(view, {
        path: '/instances',
        columns: [
          { key: 'name', label: 'Name' }, { key: 'osStatus', label: 'State', render: (r) => status(r.osStatus || r.status) },
          { key: 'flavor', label: 'Size', render: (r) => `${r.vcpus ?? '?'} vCPU, ${r.ramMb ?? '?'} MB, ${r.diskGb ?? '?'} GB` },
          { key: 'addresses', label: 'Addresses', render: (r) => addresses(r.addresses) },
          { key: 'host', label: 'Host', render: (r) => r.host || '—' },
        ],
        actions: [
          action('Start', 'start', { when: (r) => r.osStatus === 'SHUTOFF' }),
          action('Stop', 'stop', { when: (r) => r.osStatus === 'ACTIVE' }),
          action('Reboot', 'reboot', { when: (r) => r.osStatus === 'ACTIVE', body: () => ({ type: 'SOFT' }) }),
          action('Snapshot', 'snapshot', { when: (r) => r.osStatus === 'ACTIVE' || r.osStatus === 'SHUTOFF', body: (r) => ({ name: `${r.name}-snap-${Date.now()}` }) }),
          { label: 'Console', when: (r) => r.osStatus === 'ACTIVE', run: async (r) => { const c = await Api.post(`/instances/${r.id}/console`, { type: 'novnc' }); window.open(c.url, '_blank'); } },
          { label: 'Activity', run: (r) => showActions(view, r.id) },
          { label: 'Delete', class: 'danger', when: (r) => r.status !== 'deleted', run: (r) => { if (!confirm(`Delete ${r.name}?`)) throw new Error('not deleted'); return Api.del(`/instances/${r.id}`); } },
        ],
      });
    },
  });

  Pages.tenant.push(
    instancesPage(['own:resources:read']),
    resourcePage('volumes', 'Volumes', '/volumes', ['own:resources:read'],
      [{ label: 'Delete', class: 'danger', run: (r) => Api.del(`/volumes/${r.id}`) }],
      { title: 'New blank volume', fields: [{ name: 'name', label: 'Name', required: true }, { name: 'sizeGb', label: 'Size (GB)', type: 'number', required: true }], body: (v) => ({ ...v, source: { type: 'blank' } }) }),
    resourcePage('networks', 'Networks', '/networks', ['own:resources:read'],
      [{ label: 'Delete', class: 'danger', run: (r) => Api.del(`/networks/${r.id}`) }],
      { title: 'New private network', fields: [{ name: 'name', label: 'Name', required: true }] }),
    resourcePage('floating-ips', 'Floating IPs', '/floating-ips', ['own:resources:read'],
      [{ label: 'Release', class: 'danger', run: (r) => Api.del(`/floating-ips/${r.id}`) }],
      { title: 'Allocate a floating IP', submit: 'Allocate', fields: [{ name: 'address', label: 'Address (empty: the next free one)' }] }),
    resourcePage('images', 'My images', '/images', ['own:resources:read'], [{ label: 'Delete', class: 'danger', run: (r) => Api.del(`/images/${r.id}`) }]),
    {
      id: 'scaling', title: 'Scaling groups', perms: ['own:resources:read'],
      render: async (view) => {
        view.replaceChildren(h('h1', {}, 'Scaling groups'));
        await pagedTable(view, {
          path: '/scaling-groups',
          columns: [{ key: 'name', label: 'Name' }, { key: 'status', label: 'Status', render: (r) => status(r.status) }, { key: 'minSize', label: 'Min' }, { key: 'desiredCapacity', label: 'Desired' }, { key: 'maxSize', label: 'Max' }],
          actions: [
            { label: 'Pause', when: (r) => r.status === 'active', run: (r) => Api.post(`/scaling-groups/${r.id}/pause`) },
            { label: 'Resume', when: (r) => r.status === 'paused', run: (r) => Api.post(`/scaling-groups/${r.id}/resume`) },
            { label: 'Force size', run: (r) => Api.post(`/scaling-groups/${r.id}/force-size`, { size: Number(prompt('New size', String(r.desiredCapacity))) }) },
          ],
        });
      },
    },
  );

  Pages.ops.push(
    instancesPage(['resources:read']),
    {
      id: 'hosts', title: 'Hosts', perms: ['hosts:read'],
      render: async (view) => {
        view.replaceChildren(h('h1', {}, 'Compute hosts'));
        await pagedTable(view, {
          path: '/hosts',
          columns: [{ key: 'hostname', label: 'Host' }, { key: 'state', label: 'State', render: (r) => status(r.state) }, { key: 'up', label: 'Up' }, { key: 'enabled', label: 'Enabled' }, { key: 'usedVcpus', label: 'vCPU used', render: (r) => `${r.usedVcpus ?? '?'} / ${r.vcpus ?? '?'}` }, { key: 'runningVms', label: 'Servers' }, { key: 'lastSeenAt', label: 'Last seen', render: (r) => when(r.lastSeenAt) }],
          actions: [
            { label: 'Drain', when: (r) => r.state === 'ok', run: (r) => Api.post(`/hosts/${r.hostname}/drain`, {}) },
            { label: 'Enable', when: (r) => r.state === 'maintenance', run: (r) => Api.post(`/hosts/${r.hostname}/enable`) },
            { label: 'Evacuate', class: 'danger', when: (r) => r.state !== 'fenced', run: (r) => { if (!confirm(`Fence ${r.hostname} and evacuate its servers?`)) throw new Error('not evacuated'); return Api.post(`/hosts/${r.hostname}/evacuate`, {}); } },
            { label: 'Release', when: (r) => r.state === 'fenced', run: (r) => Api.post(`/hosts/${r.hostname}/release`) },
          ],
        });
      },
    },
    {
      id: 'migrations', title: 'Migrations', perms: ['hosts:read'],
      render: async (view) => {
        view.replaceChildren(h('h1', {}, 'Live migrations'));
        const table = await pagedTable(view, {
          path: '/migrations',
          columns: [{ key: 'serverId', label: 'Server' }, { key: 'sourceHost', label: 'From' }, { key: 'targetHost', label: 'To' }, { key: 'reason', label: 'Why' }, { key: 'status', label: 'Status', render: (r) => status(r.status) }, { key: 'error', label: 'Error' }, { key: 'startedAt', label: 'Started', render: (r) => when(r.startedAt) }],
          actions: [{ label: 'Abort', class: 'danger', when: (r) => r.status === 'running', run: (r) => Api.post(`/migrations/${r.serverId}/abort`) }],
        });
        view.append(form({ title: 'Migrate a server', submit: 'Migrate', fields: [{ name: 'serverId', label: 'Instance id', required: true }, { name: 'targetHost', label: 'Target host (empty: the scheduling policy chooses)' }] },
          async (v) => { await Api.post('/migrations', v); toast('migration started'); await table.reload(); }));
      },
    },
    {
      id: 'evacuations', title: 'Evacuations', perms: ['hosts:read'],
      render: async (view) => {
        view.replaceChildren(h('h1', {}, 'Host-failure evacuations'));
        await pagedTable(view, {
          path: '/evacuations',
          columns: [{ key: 'hostname', label: 'Host' }, { key: 'trigger', label: 'Trigger' }, { key: 'status', label: 'Status', render: (r) => status(r.status) }, { key: 'evacuatedServers', label: 'Recovered', render: (r) => `${r.evacuatedServers} / ${r.totalServers}` }, { key: 'recoveryMs', label: 'Recovery time', render: (r) => (r.recoveryMs ? `${(r.recoveryMs / 1000).toFixed(1)} s` : '—') }, { key: 'failedAt', label: 'Failed at', render: (r) => when(r.failedAt) }],
        });
      },
    },
    {
      id: 'scheduling', title: 'Scheduling policy', perms: ['policy:manage'],
      render: async (view) => {
        const p = await Api.get('/scheduling/policy');
        view.replaceChildren(h('h1', {}, 'Scheduling policy'), h('p', {}, `Now: ${p.strategy}${p.reservedHosts && p.reservedHosts.length ? `, reserved hosts ${p.reservedHosts.join(', ')}` : ''}`),
          form({ fields: [
            { name: 'strategy', label: 'Strategy', type: 'select', options: [{ value: 'load_balancing', label: 'load balancing (spread)' }, { value: 'energy_saving', label: 'energy saving (pack)' }] },
            { name: 'reservedHosts', label: 'Reserved hosts for evacuation (comma separated)', type: 'list' },
          ] }, async (v) => { await Api.put('/scheduling/policy', v); toast('policy saved'); }));
      },
    },
  );

  Pages.om.push({
    id: 'drift', title: 'Drift', perms: ['resources:read'],
    render: async (view) => {
      view.replaceChildren(h('h1', {}, 'Objects OpenStack has that the platform does not know'), h('p', {}, h('button', { onclick: async () => { await Api.post('/admin/drift/run'); toast('reconciliation started'); } }, 'Reconcile now')));
      await pagedTable(view, { path: '/admin/drift/findings', columns: [{ key: 'kind', label: 'Kind' }, { key: 'openstackId', label: 'OpenStack id' }, { key: 'name', label: 'Name' }, { key: 'tenantId', label: 'Tenant' }, { key: 'firstSeenAt', label: 'First seen', render: (r) => when(r.firstSeenAt) }] });
    },
  });
})();
