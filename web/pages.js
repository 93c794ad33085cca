// Page definitions of the three portals. A page is shown when the caller holds one of its permissions.
const { h, status, pagedTable, form, toast } = UI;
const when = (d) => (d ? new Date(d).toLocaleString() : '—');

function listPage(title, spec, extra) {
  return async (view, ctx) => {
    view.replaceChildren(h('h1', {}, title));
    if (extra) await extra(view, ctx);
    const table = await pagedTable(view, typeof spec === 'function' ? spec(ctx) : spec);
    return table;
  };
}

const Pages = {
  // ------------------------------------------------------------------ tenant self-service
  tenant: [
    {
      id: 'overview', title: 'Overview', perms: ['own:resources:read'],
      render: async (view, ctx) => {
        view.replaceChildren(h('h1', {}, `Welcome, ${ctx.me.displayName}`));
        const tenant = await Api.get(`/tenants/${ctx.me.tenantId}`);
        view.append(h('div', { class: 'card' },
          h('p', {}, 'Tenant: ', h('strong', {}, tenant.name), ' ', status(tenant.status)),
          h('p', {}, 'Roles: ', ctx.me.roles.join(', '))));
        try {
          const usage = await Api.get(`/tenants/${ctx.me.tenantId}/usage`);
          view.append(h('h2', {}, 'Usage against quota'), h('table', {}, h('tbody', {},
            Object.entries(usage.quota || usage).map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, UI.cell(v)))))));
        } catch { /* usage is served once the quota capability is deployed */ }
      },
    },
    {
      id: 'members', title: 'Members', perms: ['own:members:manage'],
      render: async (view, ctx) => {
        view.replaceChildren(h('h1', {}, 'Members'));
        const table = await pagedTable(view, {
          path: `/tenants/${ctx.me.tenantId}/members`,
          columns: [{ key: 'email', label: 'E-mail' }, { key: 'displayName', label: 'Name' }, { key: 'roles', label: 'Roles', render: (r) => r.roles.join(', ') }, { key: 'status', label: 'Status', render: (r) => status(r.status) }],
          actions: [{ label: 'Remove', class: 'danger', when: (r) => r.id !== ctx.me.id && r.status === 'active', run: (r) => Api.del(`/tenants/${ctx.me.tenantId}/members/${r.id}`) }],
        });
        view.append(form({ title: 'Add a member', fields: [
          { name: 'email', label: 'E-mail', type: 'email', required: true },
          { name: 'displayName', label: 'Name', required: true },
          { name: 'password', label: 'Initial password', type: 'password', required: true },
          { name: 'role', label: 'Role', type: 'select', options: ['tenant_member', 'tenant_admin'] },
        ] }, async (v) => { await Api.post(`/tenants/${ctx.me.tenantId}/members`, v); toast('member added'); await table.reload(); }));
      },
    },
  ],

  // ------------------------------------------------------------------ operations
  ops: [
    {
      id: 'registrations', title: 'Registrations', perms: ['registrations:approve'],
      render: listPage('Registrations waiting for approval', {
        path: '/registrations',
        columns: [{ key: 'tenantName', label: 'Tenant' }, { key: 'email', label: 'E-mail' }, { key: 'displayName', label: 'Name' }, { key: 'requestedAt', label: 'Requested', render: (r) => when(r.requestedAt) }],
        actions: [
          { label: 'Approve', run: (r) => Api.post(`/registrations/${r.userId}/approve`, { reason: prompt('Reason (optional)') || undefined }) },
          { label: 'Reject', class: 'danger', run: (r) => { const reason = prompt('Reason for rejecting'); if (!reason) throw new Error('a reason is required'); return Api.post(`/registrations/${r.userId}/reject`, { reason }); } },
        ],
      }),
    },
    {
      id: 'tenants', title: 'Tenants', perms: ['tenants:read'],
      render: listPage('Tenants', {
        path: '/tenants',
        columns: [{ key: 'name', label: 'Name' }, { key: 'status', label: 'Status', render: (r) => status(r.status) }, { key: 'trusted', label: 'Trusted' }, { key: 'createdAt', label: 'Since', render: (r) => when(r.createdAt) }],
        actions: [
          { label: 'Suspend', class: 'danger', when: (r) => r.status === 'active', run: (r) => Api.patch(`/tenants/${r.id}`, { status: 'suspended' }) },
          { label: 'Reactivate', when: (r) => r.status === 'suspended', run: (r) => Api.patch(`/tenants/${r.id}`, { status: 'active' }) },
          { label: 'Trust', when: (r) => !r.trusted, run: (r) => Api.patch(`/tenants/${r.id}`, { trusted: true }) },
        ],
      }),
    },
  ],

  // ------------------------------------------------------------------ O&M
  om: [
    {
      id: 'audit', title: 'Audit log', perms: ['audit:read'],
      render: async (view) => {
        view.replaceChildren(h('h1', {}, 'Audit log'));
        const holder = h('div');
        const show = async (q) => {
          holder.replaceChildren();
          await pagedTable(holder, {
            path: '/audit', limit: 50,
            columns: [
              { key: 'at', label: 'Time', render: (r) => when(r.at) }, { key: 'actorEmail', label: 'Actor' }, { key: 'action', label: 'Action' },
              { key: 'targetType', label: 'Target', render: (r) => (r.targetType ? `${r.targetType} ${r.targetId ?? ''}` : '—') },
              { key: 'result', label: 'Result', render: (r) => status(r.result) }, { key: 'clientIp', label: 'Client' }, { key: 'requestId', label: 'Request' },
            ],
          }, q);
        };
        view.append(form({ title: 'Filter', submit: 'Apply', fields: [
          { name: 'action', label: 'Action (prefix*)', placeholder: 'auth.*' },
          { name: 'actorEmail', label: 'Actor e-mail' },
          { name: 'result', label: 'Result', type: 'select', options: [{ value: '', label: 'any' }, 'success', 'failure', 'denied'] },
        ] }, show), holder);
        await show({});
      },
    },
    {
      id: 'admins', title: 'Admins', perms: ['admins:manage'],
      render: async (view, ctx) => {
        view.replaceChildren(h('h1', {}, 'Admins'));
        const table = await pagedTable(view, {
          path: '/admins',
          columns: [{ key: 'email', label: 'E-mail' }, { key: 'roles', label: 'Roles', render: (r) => r.roles.join(', ') }, { key: 'permissions', label: 'Narrowed to', render: (r) => (r.permissions ? r.permissions.join(', ') : 'all of the roles') }, { key: 'status', label: 'Status', render: (r) => status(r.status) }],
          actions: [{ label: 'Delete', class: 'danger', when: (r) => r.status === 'active' && r.id !== ctx.me.id, run: (r) => Api.del(`/admins/${r.id}`) }],
        });
        view.append(form({ title: 'Create an admin', fields: [
          { name: 'email', label: 'E-mail', type: 'email', required: true },
          { name: 'displayName', label: 'Name', required: true },
          { name: 'password', label: 'Initial password', type: 'password', required: true },
          { name: 'roles', label: 'Roles (comma separated: operator, om_admin, platform_admin)', type: 'list', required: true },
          { name: 'permissions', label: 'Narrow to permissions (comma separated, empty = all the roles allow)', type: 'list' },
        ] }, async (v) => { await Api.post('/admins', v); toast('admin created'); await table.reload(); }));
      },
    },
    {
      id: 'settings', title: 'Settings', perms: ['settings:manage'],
      render: async (view) => {
        const s = await Api.get('/settings');
        const input = { boolean: 'checkbox', integer: 'number', number: 'number', enum: 'select', quotaLimits: 'json' };
        const fields = Object.entries(s).map(([name, d]) => ({
          name, type: input[d.type] || 'text', options: d.enum,
          label: `${d.description} (${d.type}${d.unit ? `, ${d.unit}` : ''}; default ${JSON.stringify(d.default)})`,
        }));
        view.replaceChildren(h('h1', {}, 'Platform settings'), form({ fields }, async (v) => { await Api.patch('/settings', v); toast('saved'); }));
        for (const [name, d] of Object.entries(s)) {
          const el = view.querySelector(`[name=${name}]`);
          if (d.type === 'boolean') el.checked = d.value;
          else el.value = d.value === null ? '' : d.type === 'quotaLimits' ? JSON.stringify(d.value) : String(d.value);
        }
      },
    },
  ],
};
