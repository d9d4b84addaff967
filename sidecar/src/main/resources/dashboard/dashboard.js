// Gossamer dashboard: reads GET /admin/events/stream (server-sent events: "state" once a second, "event" as they
// happen) and draws it with DOM calls only (never markup built from data, no inline style: the page runs under a strict
// Content-Security-Policy). fetch() rather than EventSource, so that a bearer token can be sent when one is needed.
'use strict';
(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const TOKEN_KEY = 'gossamer-admin-token';
  const MAX_EVENTS = 200;
  let lastEventId = null;
  let retryMs = 2000;

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === 'class') e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c === null || c === undefined ? '' : String(c)));
    return e;
  }
  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  function num(v, digits) { return v === null || v === undefined ? '–' : Number(v).toFixed(digits); }
  function pct(v) { return v === null || v === undefined ? '–' : (v * 100).toFixed(1) + '%'; }
  function headers() {
    const t = sessionStorage.getItem(TOKEN_KEY);
    return t ? { 'Authorization': 'Bearer ' + t } : {};
  }
  function setConn(text, cls) { const c = $('conn'); c.textContent = text; c.className = 'conn ' + (cls || ''); }

  // ---- drawing ----

  function drawNode(s) {
    const n = s.node;
    $('node-id').textContent = n.id;
    document.title = 'Gossamer ' + n.id;
    $('node-line').textContent = 'version ' + n.version + (n.zone ? ' · zone ' + n.zone : '') + ' · admin ' + n.admin
      + ' · ' + (n.draining ? 'draining' : n.ready ? 'ready' : 'not ready');
    const alone = $('alone');
    if (n.membership && n.joined === false) {
      alone.hidden = false;
      alone.textContent = 'This node has not joined any seed: it sees only itself. Check that a seed in '
        + 'membership.seeds runs, is reachable, and shares a key of membership.keys (the log says which).';
    } else {
      alone.hidden = true;
    }
  }

  function drawMembers(s) {
    const members = s.members || [];
    const counts = {};
    members.forEach(m => { counts[m.state] = (counts[m.state] || 0) + 1; });
    $('members-count').textContent = members.length === 0 ? (s.node.membership ? '' : '(no membership configured)')
      : Object.entries(counts).map(([k, v]) => v + ' ' + k).join(', ');
    const ring = $('ring');
    ring.replaceChildren(svg('circle', { class: 'track', cx: 120, cy: 120, r: 80 }));
    members.forEach((m, i) => {
      const a = (2 * Math.PI * i) / Math.max(members.length, 1) - Math.PI / 2;
      const x = 120 + 80 * Math.cos(a), y = 120 + 80 * Math.sin(a);
      const c = svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 12,
        class: m.state + (m.local ? ' self' : ''), 'data-member': m.id, 'data-state': m.state });
      const title = svg('title', {}); title.textContent = m.id + ': ' + m.state; c.append(title);
      ring.append(c);
      const tx = 120 + 108 * Math.cos(a), ty = 120 + 108 * Math.sin(a) + 3;
      const t = svg('text', { x: tx.toFixed(1), y: ty.toFixed(1), 'text-anchor': Math.abs(Math.cos(a)) < 0.3
        ? 'middle' : Math.cos(a) > 0 ? 'start' : 'end' });
      t.textContent = m.id; ring.append(t);
    });
    const body = $('members').tBodies[0];
    body.replaceChildren(...members.map(m => el('tr', { 'data-member': m.id, 'data-state': m.state },
      el('td', {}, m.id + (m.local ? ' (this node)' : '')),
      el('td', {}, el('span', { class: 'state ' + m.state }, m.state)),
      el('td', {}, m.zone || '–'),
      el('td', {}, m.address),
      el('td', {}, ...(m.services.length === 0 ? ['–'] : m.services.map((sv, i) => el('span', {},
        (i ? ', ' : '') + sv.name + ':' + sv.port + ' ', el('span', { class: 'state ' + (sv.health || 'unknown'),
          'data-service': sv.name, 'data-health': sv.health || 'unchecked' }, '(' + (sv.health || 'unchecked') + ')'))))),
      el('td', {}, m.config_version || '–'))));
  }

  function drawControl(s) {
    const c = s.config;
    const rows = [['applied version', c.applied_version + (c.source ? ' from ' + c.source : '')]];
    if (c.control === 'none') {
      rows.push(['control plane', 'none: this node reads mesh_config from its file']);
    } else {
      rows.push(['control plane', 'this node is a ' + c.control]);
      rows.push(['committed version', c.committed_version]);
      rows.push(['leader', c.leader ? c.leader + ' (term ' + c.term + ')' : 'unknown (no leader elected, or not asked yet)']);
    }
    $('control').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
    const err = $('cfg-error');
    err.hidden = !c.last_error;
    err.textContent = c.last_error ? 'Last config change rejected (the version above keeps serving): ' + c.last_error : '';
  }

  function drawRoutes(s) {
    $('window').textContent = 'rates over the last ' + s.window_seconds + ' s';
    $('routes').tBodies[0].replaceChildren(...s.routes.map(r => el('tr', { 'data-route': r.name },
      el('td', {}, r.name), el('td', {}, r.listener), el('td', {}, r.match), el('td', {}, r.cluster),
      el('td', { class: 'num' }, num(r.rps, 1)), el('td', { class: 'num' }, pct(r.success_rate)),
      el('td', { class: 'num' }, num(r.p50_ms, 2)), el('td', { class: 'num' }, num(r.p99_ms, 2)))));
  }

  function bar(share, state) {
    const b = svg('svg', { class: 'bar', width: 120, height: 12, viewBox: '0 0 120 12' });
    b.append(svg('rect', { class: 'track', x: 0, y: 0, width: 120, height: 12 }));
    b.append(svg('rect', { class: state, x: 0, y: 0, width: Math.round(120 * (share || 0)), height: 12 }));
    return b;
  }

  function drawClusters(s) {
    $('clusters').replaceChildren(...s.clusters.map(c => {
      const head = el('h3', {}, c.name + ' ', el('small', {}, c.policy + ' · ' + num(c.rps, 1) + ' req/s · success '
        + pct(c.success_rate) + ' · p50 ' + num(c.p50_ms, 2) + ' ms · p99 ' + num(c.p99_ms, 2) + ' ms · '
        + c.active_requests + ' active'));
      if (c.panic) head.append(' ', el('span', { class: 'badge' }, 'panic: too few healthy endpoints, all used'));
      const table = el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'endpoint'), el('th', {}, 'state'),
        el('th', {}, 'why'), el('th', { class: 'num' }, 'weight'), el('th', { class: 'num' }, 'active'),
        el('th', { class: 'num' }, 'req/s'), el('th', { class: 'num' }, 'requests'), el('th', { class: 'num' }, 'failures'),
        el('th', {}, 'spread'))),
        el('tbody', {}, ...c.endpoints.map(e => el('tr', { 'data-endpoint': e.id, 'data-state': e.state },
          el('td', {}, e.address), el('td', {}, el('span', { class: 'state ' + e.state }, e.state)),
          el('td', { class: 'muted' }, e.detail), el('td', { class: 'num' }, e.weight),
          el('td', { class: 'num' }, e.active_requests), el('td', { class: 'num' }, num(e.rps, 1)),
          el('td', { class: 'num' }, e.requests), el('td', { class: 'num' }, e.failures),
          el('td', {}, bar(e.share, e.state), ' ' + pct(e.share))))));
      if (c.endpoints.length === 0) table.tBodies[0].append(el('tr', {}, el('td', { colspan: 9 },
        'no endpoints: no member serves this service, or none passes its check')));
      return el('div', { class: 'cluster', 'data-cluster': c.name }, head, table);
    }));
    if (s.clusters.length === 0) $('clusters').append(el('p', { class: 'muted' }, 'no mesh config applied yet'));
  }

  function drawState(s) {
    drawNode(s); drawMembers(s); drawControl(s); drawRoutes(s); drawClusters(s);
  }

  function addEvent(e) {
    const list = $('events');
    const t = new Date(e.time);
    list.prepend(el('li', { class: e.bad ? 'bad' : '', 'data-kind': e.kind, 'data-subject': e.subject },
      el('time', { datetime: e.time }, t.toLocaleTimeString()), el('span', { class: 'kind' }, e.kind), e.message));
    while (list.children.length > MAX_EVENTS) list.lastChild.remove();
  }

  // ---- the stream ----

  function dispatch(block) {
    let event = 'message', data = '', id = null;
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
      else if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('retry:')) retryMs = Number(line.slice(6)) || retryMs;
    }
    if (!data) return;
    if (id !== null) lastEventId = id;
    const json = JSON.parse(data);
    if (event === 'state') drawState(json);
    else if (event === 'event') addEvent(json);
  }

  async function connect() {
    const h = headers();
    if (lastEventId !== null) h['Last-Event-ID'] = lastEventId;
    let resp;
    try {
      resp = await fetch('/admin/events/stream', { headers: h, cache: 'no-store' });
    } catch (err) {
      setConn('admin API unreachable (' + err.message + '); retrying…', 'lost');
      return setTimeout(connect, retryMs);
    }
    if (resp.status === 401) {
      $('token-panel').hidden = false;
      $('token-error').textContent = sessionStorage.getItem(TOKEN_KEY) ? 'That token was refused.' : '';
      setConn('waiting for the bearer token', 'lost');
      return;
    }
    if (!resp.ok) {
      let reason = 'HTTP ' + resp.status;
      try { reason += ': ' + (await resp.json()).error; } catch (ignored) { /* not JSON */ }
      setConn('the admin API refused the stream (' + reason + '); retrying…', 'lost');
      return setTimeout(connect, retryMs);
    }
    $('token-panel').hidden = true;
    setConn('live', 'live');
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          dispatch(buf.slice(0, i));
          buf = buf.slice(i + 2);
        }
      }
    } catch (err) {
      // the connection broke: reconnect below
    }
    setConn('connection lost; reconnecting…', 'lost');
    setTimeout(connect, retryMs);
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('token-form').addEventListener('submit', ev => {
      ev.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $('token-input').value.trim());
      $('token-input').value = '';
      connect();
    });
    connect();
  });
})();
