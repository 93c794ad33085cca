// DOM helpers shared by every page: elements, tables with pagination, forms from field specs, toasts.
const UI = (() => {
  function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
    return el;
  }

  function toast(message, isError = false) {
    const t = document.getElementById('toast');
    t.textContent = message;
    t.style.background = isError ? '#b23a48' : '#1d2433';
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (t.hidden = true), 5000);
  }

  function errorText(e) {
    if (e && e.body && e.body.details && Array.isArray(e.body.details)) {
      return `${e.message}: ${e.body.details.map((d) => (d.path ? `${d.path} ${d.message}` : d.message || JSON.stringify(d))).join('; ')}`;
    }
    return e && e.message ? e.message : String(e);
  }

  function status(value) {
    return h('span', { class: `status ${value}` }, value ?? '—');
  }

  function cell(value) {
    if (value === null || value === undefined) return '—';
    if (typeof value === 'object') return h('code', {}, JSON.stringify(value));
    return String(value);
  }

  /** A paginated table over a list route answering { items, total, limit, offset }. */
  async function pagedTable(container, spec, query = {}) {
    const limit = spec.limit || 20;
    let offset = 0;
    const wrap = h('div');
    container.append(wrap);
    async function load() {
      wrap.replaceChildren(h('p', {}, 'Loading…'));
      const params = new URLSearchParams({ ...query, limit, offset });
      let page;
      try {
        page = await Api.get(`${spec.path}?${params}`);
      } catch (e) {
        wrap.replaceChildren(h('p', { class: 'error' }, errorText(e)));
        return;
      }
      const rows = page.items || [];
      const table = h('table', {},
        h('thead', {}, h('tr', {}, spec.columns.map((c) => h('th', {}, c.label)), spec.actions ? h('th', {}, '') : null)),
        h('tbody', {}, rows.length ? rows.map((row) => h('tr', {},
          spec.columns.map((c) => h('td', {}, c.render ? c.render(row) : cell(row[c.key]))),
          spec.actions ? h('td', {}, spec.actions.filter((a) => !a.when || a.when(row)).map((a) =>
            h('button', { class: a.class || 'secondary', onclick: async () => {
              try { await a.run(row); toast(`${a.label}: done`); await load(); } catch (e) { toast(errorText(e), true); }
            } }, a.label))) : null))
          : h('tr', {}, h('td', { colspan: spec.columns.length + 1 }, 'Nothing here yet.'))));
      const total = page.total ?? rows.length;
      const pager = h('div', { class: 'pager' },
        h('button', { class: 'secondary', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - limit); load(); } }, '‹ Previous'),
        h('span', {}, total ? `${offset + 1}–${Math.min(offset + limit, total)} of ${total}` : '0 items'),
        h('button', { class: 'secondary', disabled: offset + limit >= total, onclick: () => { offset += limit; load(); } }, 'Next ›'));
      wrap.replaceChildren(table, pager);
    }
    await load();
    return { reload: load };
  }

  /** A form from field specs: { name, label, type: text|number|password|select|checkbox|textarea, options, required }. */
  function form(spec, onSubmit) {
    const inputs = {};
    const el = h('form', { class: 'card', onsubmit: async (ev) => {
      ev.preventDefault();
      const values = {};
      for (const f of spec.fields) {
        const i = inputs[f.name];
        if (f.type === 'checkbox') values[f.name] = i.checked;
        else if (i.value === '') continue;
        else if (f.type === 'number') values[f.name] = Number(i.value);
        else if (f.type === 'json') values[f.name] = JSON.parse(i.value);
        else if (f.type === 'list') values[f.name] = i.value.split(',').map((s) => s.trim()).filter(Boolean);
        else values[f.name] = i.value;
      }
      const button = el.querySelector('button[type=submit]');
      button.disabled = true;
      try { await onSubmit(values); } catch (e) { toast(errorText(e), true); } finally { button.disabled = false; }
    } }, spec.title ? h('h2', {}, spec.title) : null);
    for (const f of spec.fields) {
      let input;
      if (f.type === 'select') input = h('select', { name: f.name }, (f.options || []).map((o) => h('option', { value: o.value ?? o }, o.label ?? o)));
      else if (f.type === 'textarea' || f.type === 'json') input = h('textarea', { name: f.name, rows: 4, placeholder: f.placeholder });
      else input = h('input', { name: f.name, type: f.type === 'list' ? 'text' : f.type || 'text', required: f.required, placeholder: f.placeholder, value: f.value });
      inputs[f.name] = input;
      el.append(f.type === 'checkbox' ? h('label', {}, input, ' ', f.label) : h('label', {}, f.label), f.type === 'checkbox' ? null : input);
    }
    el.append(h('p', {}, h('button', { type: 'submit' }, spec.submit || 'Save')));
    return el;
  }

  return { h, toast, errorText, status, cell, pagedTable, form };
})();
