// The portals' shell: login and registration, the portal switcher and menu by permission, hash routing.
const App = (() => {
  const { h, form, toast } = UI;
  const portals = [
    { id: 'tenant', title: 'Self-service' },
    { id: 'ops', title: 'Operations' },
    { id: 'om', title: 'O&M' },
  ];
  let me = null;

  function visiblePages(portal) {
    // Self-service pages act inside the caller's tenant; staff without one have nothing there.
    if (portal === 'tenant' && !me.tenantId) return [];
    return (Pages[portal] || []).filter((p) => p.perms.some((perm) => me.permissions.includes(perm)));
  }

  function loginView() {
    document.getElementById('menu').replaceChildren();
    document.getElementById('portals').replaceChildren();
    document.getElementById('who').replaceChildren();
    const view = document.getElementById('view');
    view.replaceChildren(
      h('h1', {}, 'Sign in'),
      form({ submit: 'Sign in', fields: [{ name: 'email', label: 'E-mail', type: 'email', required: true }, { name: 'password', label: 'Password', type: 'password', required: true }] },
        async (v) => { await Api.login(v.email, v.password); await start(); }),
      h('h1', {}, 'New here? Register'),
      form({ submit: 'Register', fields: [
        { name: 'tenantName', label: 'Organisation (tenant) name', required: true },
        { name: 'displayName', label: 'Your name', required: true },
        { name: 'email', label: 'E-mail', type: 'email', required: true },
        { name: 'password', label: 'Password (10+ characters, three of: lower, upper, digit, symbol)', type: 'password', required: true },
      ] }, async (v) => {
        const r = await Api.post('/auth/register', v);
        toast(r.status === 'pending' ? 'Registered: an operator will review your account.' : 'Registered: you can sign in now.');
      }));
  }

  async function route() {
    if (!me) return;
    const [, portal = defaultPortal(), pageId] = location.hash.replace(/^#\/?/, '#/').split('/');
    const pages = visiblePages(portal);
    const page = pages.find((p) => p.id === pageId) || pages[0];
    document.getElementById('portals').replaceChildren(...portals.filter((p) => visiblePages(p.id).length)
      .map((p) => h('a', { href: `#/${p.id}`, class: p.id === portal ? 'active' : '' }, p.title)));
    document.getElementById('menu').replaceChildren(...pages.map((p) => h('a', { href: `#/${portal}/${p.id}`, class: p === page ? 'active' : '' }, p.title)));
    const view = document.getElementById('view');
    if (!page) { view.replaceChildren(h('p', {}, 'Nothing in this portal for your roles.')); return; }
    try {
      await page.render(view, { me });
    } catch (e) {
      if (e.status === 401) { Api.store.clear(); me = null; loginView(); return; }
      view.replaceChildren(h('h1', {}, page.title), h('p', { class: 'error' }, UI.errorText(e)));
    }
  }

  function defaultPortal() {
    return portals.map((p) => p.id).find((id) => visiblePages(id).length) || 'tenant';
  }

  async function start() {
    try {
      me = await Api.get('/auth/me');
    } catch {
      me = null;
      loginView();
      return;
    }
    document.getElementById('who').replaceChildren(me.email, h('button', { class: 'secondary', onclick: async () => { await Api.logout(); me = null; loginView(); } }, 'Sign out'));
    await route();
  }

  window.addEventListener('hashchange', route);
  return { start };
})();

App.start();
