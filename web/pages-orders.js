// Portal pages of the order lifecycle: catalog, quotas, orders (tenant and operator views), inbox.
(() => {
  const { h, status, pagedTable, form, toast } = UI;
  const when = (d) => (d ? new Date(d).toLocaleString() : '—');
  const money = (n) => (typeof n === 'number' ? n.toFixed(2) : '—');

  function progressCard(order) {
    const steps = (order.progress && order.progress.steps) || [];
    return h('div', { class: 'card' },
      h('h2', {}, `Order ${order.id.slice(0, 8)} `, status(order.status)),
      h('p', {}, `Monthly ${money(order.monthlyPrice)} · hourly ${money(order.hourlyPrice)} · placed ${when(order.createdAt)}`),
      order.failure ? h('p', { class: 'error' }, `Failed: ${order.failure.message || JSON.stringify(order.failure)}`) : null,
      steps.length ? h('ol', { class: 'progress' }, steps.map((s) => h('li', { class: s.state }, `${s.name}: ${s.state}${s.detail ? ` — ${s.detail}` : ''}`))) : null,
      h('table', {}, h('tbody', {}, order.items.map((i) => h('tr', {},
        h('td', {}, i.kind), h('td', {}, i.spec && i.spec.name), h('td', {}, status(i.status)),
        h('td', {}, i.failure ? h('span', { class: 'error' }, i.failure.message || JSON.stringify(i.failure)) : UI.cell(i.resources)))))));
  }

  async function showOrder(view, id) {
    const order = await Api.get(`/orders/${id}`);
    const old = view.querySelector('.order-detail');
    const card = progressCard(order);
    card.classList.add('order-detail');
    if (old) old.replaceWith(card); else view.append(card);
  }

  const orderColumns = [
    { key: 'createdAt', label: 'Placed', render: (r) => when(r.createdAt) },
    { key: 'items', label: 'Items', render: (r) => r.items.map((i) => `${i.kind} ${i.spec && i.spec.name ? i.spec.name : ''}`).join(', ') },
    { key: 'monthlyPrice', label: 'Monthly', render: (r) => money(r.monthlyPrice) },
    { key: 'status', label: 'Status', render: (r) => status(r.status) },
  ];

  Pages.tenant.push(
    {
      id: 'orders', title: 'Orders', perms: ['own:orders:read'],
      render: async (view) => {
        view.replaceChildren(h('h1', {}, 'My orders'));
        const table = await pagedTable(view, {
          path: '/orders',
          columns: orderColumns,
          actions: [
            { label: 'Details', run: (r) => showOrder(view, r.id) },
            { label: 'Cancel', class: 'danger', when: (r) => ['submitted', 'pending_approval'].includes(r.status), run: (r) => Api.post(`/orders/${r.id}/cancel`, { reason: 'cancelled in the portal' }) },
          ],
        });
        const flavors = await Api.get('/catalog/products?kind=flavor&limit=200').catch(() => ({ items: [] }));
        view.append(form({ title: 'Order a virtual machine', submit: 'Submit order', fields: [
          { name: 'name', label: 'Server name', required: true },
          { name: 'flavorId', label: 'Flavor', type: 'select', options: flavors.items.map((f) => ({ value: f.id, label: `${f.name} — ${f.vcpus} vCPU, ${f.ramMb} MB, ${f.diskGb} GB — ${money(f.monthlyPrice)}/month` })) },
          { name: 'imageId', label: 'Image (name or id)', required: true, value: 'cirros-0.6.2-x86_64-disk' },
          { name: 'volumeGb', label: 'Extra volume (GB, optional)', type: 'number' },
          { name: 'floatingIp', label: 'Public (floating) IP address', type: 'checkbox' },
          { name: 'note', label: 'Note for the operator' },
        ] }, async (v) => {
          const item = { kind: 'server', name: v.name, flavorId: v.flavorId, imageId: v.imageId, floatingIp: !!v.floatingIp };
          if (v.volumeGb) item.volumes = [{ sizeGb: v.volumeGb }];
          const order = await Api.post('/orders', { items: [item], note: v.note });
          toast(`order ${order.id.slice(0, 8)}: ${order.status}`);
          await table.reload();
        }));
      },
    },
    {
      id: 'inbox', title: 'Inbox', perms: ['own:resources:read'],
      render: async (view) => {
        view.replaceChildren(h('h1', {}, 'Messages'));
        await pagedTable(view, {
          path: '/inbox',
          columns: [{ key: 'createdAt', label: 'When', render: (r) => when(r.createdAt) }, { key: 'title', label: 'Title' }, { key: 'body', label: 'Message' }, { key: 'readAt', label: 'Read', render: (r) => (r.readAt ? 'yes' : h('strong', {}, 'new')) }],
          actions: [{ label: 'Mark read', when: (r) => !r.readAt, run: (r) => Api.post(`/inbox/${r.id}/read`) }],
        });
      },
    },
    {
      id: 'quota', title: 'Quota', perms: ['own:resources:read'],
      render: async (view, ctx) => {
        const q = await Api.get(`/quotas/${ctx.me.tenantId}`);
        view.replaceChildren(h('h1', {}, 'Usage against quota'), h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Resource'), h('th', {}, 'Used'), h('th', {}, 'Reserved'), h('th', {}, 'Limit'))),
          h('tbody', {}, Object.keys(q.limits).map((k) => h('tr', {}, h('td', {}, k), h('td', {}, q.used[k]), h('td', {}, q.reserved[k]), h('td', {}, q.limits[k]))))));
      },
    },
  );

  Pages.ops.push(
    {
      id: 'orders', title: 'Orders', perms: ['orders:read'],
      render: async (view) => {
        view.replaceChildren(h('h1', {}, 'Orders'));
        const holder = h('div');
        const show = async (q) => {
          holder.replaceChildren();
          await pagedTable(holder, {
            path: '/orders',
            columns: [{ key: 'tenantId', label: 'Tenant', render: (r) => r.tenantId.slice(0, 8) }, ...orderColumns],
            actions: [
              { label: 'Details', run: (r) => showOrder(view, r.id) },
              { label: 'Approve', when: (r) => r.status === 'pending_approval', run: (r) => Api.post(`/orders/${r.id}/approve`, { reason: prompt('Reason') || 'approved' }) },
              { label: 'Reject', class: 'danger', when: (r) => r.status === 'pending_approval', run: (r) => { const reason = prompt('Reason for rejecting'); if (!reason) throw new Error('a reason is required'); return Api.post(`/orders/${r.id}/reject`, { reason }); } },
            ],
          }, q);
        };
        view.append(form({ title: 'Filter', submit: 'Apply', fields: [
          { name: 'status', label: 'Status', type: 'select', options: [{ value: '', label: 'any' }, 'pending_approval', 'provisioning', 'delivered', 'failed', 'rejected', 'cancelled', 'expired'] },
        ] }, show), holder);
        await show({ status: 'pending_approval' });
      },
    },
    {
      id: 'catalog', title: 'Catalog', perms: ['catalog:manage'],
      render: async (view) => {
        view.replaceChildren(h('h1', {}, 'Products and prices'));
        const table = await pagedTable(view, {
          path: '/catalog/products',
          columns: [{ key: 'kind', label: 'Kind' }, { key: 'name', label: 'Name' }, { key: 'vcpus', label: 'vCPU' }, { key: 'ramMb', label: 'RAM MB' }, { key: 'diskGb', label: 'Disk GB' }, { key: 'bandwidthMbps', label: 'Mbit/s' }, { key: 'hourlyPrice', label: '/hour' }, { key: 'monthlyPrice', label: '/month' }, { key: 'status', label: 'Status', render: (r) => status(r.status) }],
          actions: [{ label: 'Retire', class: 'danger', when: (r) => r.status === 'active', run: (r) => Api.post(`/catalog/products/${r.id}/retire`) }],
        });
        view.append(form({ title: 'New product', fields: [
          { name: 'kind', label: 'Kind', type: 'select', options: ['flavor', 'volume', 'floating_ip', 'network'] },
          { name: 'name', label: 'Name', required: true },
          { name: 'vcpus', label: 'vCPUs (flavors)', type: 'number' },
          { name: 'ramMb', label: 'RAM MB (flavors)', type: 'number' },
          { name: 'diskGb', label: 'Disk GB (flavors)', type: 'number' },
          { name: 'bandwidthMbps', label: 'Bandwidth Mbit/s', type: 'number' },
          { name: 'hourlyPrice', label: 'Price per hour', type: 'number', required: true },
          { name: 'monthlyPrice', label: 'Price per month', type: 'number', required: true },
        ] }, async (v) => { await Api.post('/catalog/products', v); toast('product created'); await table.reload(); }));
      },
    },
    {
      id: 'quotas', title: 'Quota defaults', perms: ['quotas:manage'],
      render: async (view) => {
        const d = await Api.get('/quotas/defaults');
        view.replaceChildren(h('h1', {}, 'Platform quota defaults'));
        const fields = Object.keys(d).map((k) => ({ name: k, label: k, type: 'number', value: d[k] }));
        view.append(form({ fields }, async (v) => { await Api.put('/quotas/defaults', v); toast('saved'); }));
      },
    },
  );

  Pages.om.push(
    {
      id: 'oncall', title: 'On-call', perms: ['oncall:manage'],
      render: async (view) => {
        view.replaceChildren(h('h1', {}, 'On-call contacts'));
        const table = await pagedTable(view, {
          path: '/oncall/contacts',
          columns: [{ key: 'name', label: 'Name' }, { key: 'email', label: 'E-mail' }, { key: 'phone', label: 'Phone' }, { key: 'channels', label: 'Channels', render: (r) => r.channels.join(', ') }, { key: 'onDuty', label: 'On duty' }, { key: 'minSeverity', label: 'From severity' }],
          actions: [
            { label: 'Off duty', when: (r) => r.onDuty, run: (r) => Api.patch(`/oncall/contacts/${r.id}`, { onDuty: false }) },
            { label: 'On duty', when: (r) => !r.onDuty, run: (r) => Api.patch(`/oncall/contacts/${r.id}`, { onDuty: true }) },
            { label: 'Delete', class: 'danger', run: (r) => Api.del(`/oncall/contacts/${r.id}`) },
          ],
        });
        view.append(form({ title: 'Add a contact', fields: [
          { name: 'name', label: 'Name', required: true },
          { name: 'email', label: 'E-mail', type: 'email' },
          { name: 'phone', label: 'Phone (E.164, e.g. +15551234567)' },
          { name: 'channels', label: 'Channels (email, sms)', type: 'list', value: 'email,sms' },
        ] }, async (v) => { await Api.post('/oncall/contacts', v); toast('contact added'); await table.reload(); }),
        form({ title: 'Send a test page', submit: 'Page on-call now', fields: [{ name: 'subject', label: 'Subject', value: 'Test page' }, { name: 'body', label: 'Message', value: 'Test page from the O&M portal' }] },
          async (v) => { await Api.post('/oncall/test', v); toast('test page sent'); }));
      },
    },
    {
      id: 'notifications', title: 'Notifications', perms: ['monitoring:read', 'oncall:manage'],
      render: async (view) => {
        view.replaceChildren(h('h1', {}, 'Notifications sent'));
        await pagedTable(view, {
          path: '/notifications',
          columns: [{ key: 'createdAt', label: 'When', render: (r) => when(r.createdAt) }, { key: 'channel', label: 'Channel' }, { key: 'recipient', label: 'To' }, { key: 'subject', label: 'Subject' }, { key: 'status', label: 'Status', render: (r) => status(r.status) }, { key: 'attempts', label: 'Attempts' }, { key: 'error', label: 'Error' }],
        });
      },
    },
  );
})();
