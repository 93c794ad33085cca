// A tiny client of the platform's REST API, keeping the tokens in sessionStorage and refreshing them.
const Api = (() => {
  const base = '/api/v1';
  const store = {
    get access() { return sessionStorage.getItem('cmp.access'); },
    get refresh() { return sessionStorage.getItem('cmp.refresh'); },
    set(pair) { sessionStorage.setItem('cmp.access', pair.accessToken); sessionStorage.setItem('cmp.refresh', pair.refreshToken); },
    clear() { sessionStorage.removeItem('cmp.access'); sessionStorage.removeItem('cmp.refresh'); },
  };

  class ApiError extends Error {
    constructor(status, body) {
      super(body && body.message ? body.message : `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  // A refresh token is spent by its first use, so parallel 401s share one refresh.
  let refreshing = null;
  function refreshOnce() {
    refreshing ??= (async () => {
      const r = await fetch(`${base}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: store.refresh }) });
      if (r.ok) { store.set(await r.json()); return true; }
      store.clear();
      return false;
    })().finally(() => { refreshing = null; });
    return refreshing;
  }

  async function raw(method, path, body, retry = true) {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (store.access) headers.authorization = `Bearer ${store.access}`;
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401 && retry && store.refresh && !path.startsWith('/auth/')) {
      if (await refreshOnce()) return raw(method, path, body, false);
    }
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  return {
    ApiError,
    store,
    get: (p) => raw('GET', p),
    post: (p, b = {}) => raw('POST', p, b),
    patch: (p, b) => raw('PATCH', p, b),
    put: (p, b) => raw('PUT', p, b),
    del: (p) => raw('DELETE', p),
    async login(email, password) { store.set(await raw('POST', '/auth/login', { email, password }, false)); },
    async logout() { try { await raw('POST', '/auth/logout', {}, false); } finally { store.clear(); } },
  };
})();
