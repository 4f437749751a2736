import * as api from './api.js';

const $ = (id) => document.getElementById(id);
const FINAL = new Set(['SUCCEEDED', 'REJECTED', 'ROLLED_BACK', 'ROLLBACK_FAILED', 'COMMIT_FAILED', 'CANCELLED',
  'ABORTED', 'DRY_RUN', 'IN_DOUBT']);

let stream = null;          // AbortController of the event stream
let operator = false;
let memory = [];            // memory blocks as last read
let memCursor = 0;
const waiters = new Map();  // request id -> resolve, for the submit form
let refreshTimer = null;
let dirty = new Set();
let explained = null;       // the body of the last dry run, which Run submits for real

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function status(text) { $('status').textContent = text; }

// A fault of the page itself is said where a user looks, not only in the developer console.
window.addEventListener('error', (ev) => status('Page error: ' + ev.message));
window.addEventListener('unhandledrejection', (ev) => status('Page error: ' + (ev.reason && ev.reason.message || ev.reason)));

// ---------------------------------------------------------------- login

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('login-error').textContent = '';
  performance.mark('syshotplug-login');
  api.setCredentials($('user').value, $('password').value);
  $('password').value = '';
  try {
    await api.get('/api/v1/devices');
    operator = await api.isOperator();
  } catch (e) {
    api.forget();
    $('login-error').textContent = e.status === 401 ? 'Wrong user or password.' : 'Cannot log in: ' + e.message;
    $('password').focus();
    return;
  }
  $('who-name').textContent = $('user').value + ' (' + (operator ? 'operator' : 'viewer') + ')';
  $('who').hidden = false;
  $('login').hidden = true;
  $('main').hidden = false;
  document.body.classList.toggle('viewer', !operator);
  // A viewer gets no submit controls at all, not just disabled ones.
  if (!operator) document.querySelectorAll('.operator-only').forEach((n) => n.remove());
  start();
});

$('logout').addEventListener('click', () => {
  if (stream) stream.abort();
  api.forget();
  location.reload();
});

function start() {
  stream = new AbortController();
  refresh(['devices', 'handlers', 'requests', 'history']);
  api.events(onEvent, (up, err) => {
    status(up ? 'Live: following the event stream.' : err ? 'Logged out by the server: ' + err.message
      : 'Event stream lost; reconnecting…');
    if (up) refresh(['devices', 'handlers', 'requests', 'history']);
  }, stream.signal);
}

function onEvent(name, data) {
  const id = data['request.id'];
  if (name === 'PROGRESS') {
    showProgress(id, data);
    return;
  }
  refresh(FINAL.has(name) ? ['requests', 'devices', 'handlers', 'history'] : ['requests']);
  if (FINAL.has(name) && waiters.has(id)) {
    waiters.get(id)();
    waiters.delete(id);
  }
}

/** Coalesces the refreshes a burst of events asks for into one round of GETs. */
function refresh(what) {
  what.forEach((w) => dirty.add(w));
  if (refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    const now = dirty;
    dirty = new Set();
    refreshTimer = null;
    try {
      await Promise.all([
        now.has('devices') && loadDevices(),
        now.has('handlers') && loadHandlers(),
        now.has('requests') && loadRequests(),
        now.has('history') && loadHistory(),
      ]);
    } catch (e) {
      status('Could not refresh: ' + e.message);
    }
  }, 50);
}

// ---------------------------------------------------------------- machine

async function loadDevices() {
  const { types } = await api.get('/api/v1/devices');
  const lists = await Promise.all(types.map((t) => api.get('/api/v1/devices/' + encodeURIComponent(t))));
  const by = Object.fromEntries(lists.map((l) => [l.type, l.items]));
  renderCpus(by.cpu || []);
  renderMemory(by.memory || []);
  renderDrcs(by.drc);
  renderLegend();
  if (!performance.getEntriesByName('syshotplug-map').length) {
    // Login to a complete map: the figure benchmarks/README.md "Web console" reports.
    performance.mark('syshotplug-map');
    performance.measure('syshotplug-login-to-map', 'syshotplug-login', 'syshotplug-map');
  }
}

function renderLegend() {
  const items = [['online', 'online'], ['offline', 'offline'], ['movable', 'online, zone Movable'],
    ['other', 'other state'], ['selected', 'selected']];
  $('legend').replaceChildren(...items.map(([c, t]) => el('span', { class: 'key' }, el('span', { class: 'swatch ' + c }), t)));
}

function stateClass(state) {
  if (state === 'online' || state.startsWith('online')) return 'online';
  if (state === 'offline') return 'offline';
  return 'other';
}

function renderCpus(cpus) {
  $('cpu-count').textContent = '(' + cpus.length + ', ' + cpus.filter((c) => c.state === 'online').length + ' online)';
  const nodes = new Map();
  for (const c of cpus) {
    const node = c.attributes.node ?? '-';
    if (!nodes.has(node)) nodes.set(node, []);
    nodes.get(node).push(c);
  }
  const groups = [];
  for (const [node, list] of nodes) {
    const tiles = list.map((c) => el('button', {
      type: 'button', class: 'tile ' + stateClass(c.state), 'data-device': c.device, 'data-state': c.state,
      'aria-label': c.device + ' ' + c.state + (c.attributes.hotpluggable === 'no' ? ', not hot-pluggable' : ''),
      title: c.device + ': ' + c.state + ', node ' + node + ', hot-pluggable ' + c.attributes.hotpluggable,
    }, el('span', { class: 'id', text: c.id }), el('span', { class: 'state', text: c.state })));
    groups.push(el('div', { class: 'node', role: 'group', 'aria-label': 'node ' + node },
      el('h4', { text: node === '-' ? 'no NUMA node' : 'node ' + node }), el('div', { class: 'tiles' }, ...tiles)));
  }
  $('cpus').replaceChildren(...groups);
}

$('cpus').addEventListener('click', (ev) => {
  const t = ev.target.closest('[data-device]');
  if (t) choose(t.dataset.device, t.dataset.state === 'online' ? 'offline' : 'online');
});

function zoneOf(b) {
  const zones = (b.attributes.zones || '').split(' ');
  return b.state === 'online' && zones.length === 1 ? zones[0] : '';
}

function renderMemory(blocks) {
  memory = blocks;
  const counts = {};
  blocks.forEach((b) => { const k = b.state + (zoneOf(b) ? ' (' + zoneOf(b) + ')' : ''); counts[k] = (counts[k] || 0) + 1; });
  $('mem-count').textContent = '(' + blocks.length + (blocks[0] ? ' × ' + blocks[0].attributes.size : '') + ')';
  $('mem-summary').textContent = Object.entries(counts).map(([k, n]) => n + ' ' + k).join(', ') || 'no memory blocks';
  const strip = $('memory');
  strip.classList.toggle('dense', blocks.length > 256);
  const frag = document.createDocumentFragment();
  blocks.forEach((b, i) => {
    const zone = zoneOf(b);
    const cls = 'block ' + stateClass(b.state) + (zone === 'Movable' ? ' movable' : '') +
      (b.attributes.removable === 'no' ? ' fixed' : '');
    const s = el('span', { class: cls, role: 'option', id: 'mem-' + i, 'data-device': b.device,
      'aria-selected': i === memCursor ? 'true' : 'false', title: describe(b) });
    // Written state: in the block while they are few, else in the summary, the detail line and the title.
    s.textContent = blocks.length > 256 ? '' : b.id + ' ' + b.state;
    frag.append(s);
  });
  strip.replaceChildren(frag);
  if (memCursor >= blocks.length) memCursor = 0;
  moveCursor(memCursor, false);
}

function describe(b) {
  return b.device + ': ' + b.state + (zoneOf(b) ? ', zone ' + zoneOf(b) : '') + ', ' + b.attributes.range + ', ' +
    (b.attributes.removable === 'yes' ? 'removable' : 'not removable') + ', node ' + b.attributes.node;
}

function moveCursor(i, announce = true) {
  if (!memory.length) { $('mem-detail').textContent = ''; return; }
  const old = $('mem-' + memCursor);
  if (old) old.setAttribute('aria-selected', 'false');
  memCursor = Math.max(0, Math.min(memory.length - 1, i));
  const now = $('mem-' + memCursor);
  now.setAttribute('aria-selected', 'true');
  $('memory').setAttribute('aria-activedescendant', now.id);
  if (announce) now.scrollIntoView({ block: 'nearest' });
  $('mem-detail').textContent = describe(memory[memCursor]);
}

$('memory').addEventListener('keydown', (ev) => {
  const perRow = Math.max(1, Math.floor($('memory').clientWidth / ($('mem-0')?.offsetWidth || 1)));
  const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -perRow, ArrowDown: perRow, PageUp: -8 * perRow, PageDown: 8 * perRow }[ev.key];
  if (step) moveCursor(memCursor + step);
  else if (ev.key === 'Home') moveCursor(0);
  else if (ev.key === 'End') moveCursor(memory.length - 1);
  else if (ev.key === 'Enter' || ev.key === ' ') pickBlock(memCursor);
  else return;
  ev.preventDefault();
});

$('memory').addEventListener('click', (ev) => {
  const b = ev.target.closest('[data-device]');
  if (b) { moveCursor(Number(b.id.slice(4))); pickBlock(memCursor); }
});

function pickBlock(i) {
  const b = memory[i];
  if (b) choose(b.device, b.state === 'offline' ? 'online' : 'offline');
}

function renderDrcs(drcs) {
  $('drc-section').hidden = !drcs;
  if (!drcs) return;
  const counts = {};
  drcs.forEach((d) => { counts[d.state] = (counts[d.state] || 0) + 1; });
  $('drc-count').textContent = '(' + drcs.length + ')';
  $('drc-summary').textContent = Object.entries(counts).map(([k, n]) => n + ' ' + k).join(', ');
  $('drcs').replaceChildren(...drcs.map((d) => el('span', {
    class: 'slot ' + d.state, 'data-drc': d.attributes.name, 'data-state': d.state, tabindex: 0,
    title: d.attributes.name + ' (' + d.id + '): ' + d.state + (d.attributes['os-device'] ? ', ' + d.attributes['os-device'] : ''),
  }, el('span', { class: 'id', text: d.attributes.name }), el('span', { class: 'state', text: d.state }))));
}

// ---------------------------------------------------------------- chain, queue, history

let chain = [];              // the handler chain as last read, for the dry run's "then" list

async function loadHandlers() {
  const { items } = await api.get('/api/v1/handlers');
  chain = items;
  $('handlers').tBodies[0].replaceChildren(...items.map((h) => el('tr', { class: h.quarantined ? 'quarantined' : null },
    el('td', { text: h.phase }), el('td', { class: 'num', text: h.priority }),
    el('td', {}, el('strong', { text: h.name }), el('br'), el('small', { text: h.bundle })),
    el('td', { text: h.operations.join(', ') }), el('td', { text: h.devices.join(', ') }),
    el('td', { class: 'num', text: h.calls + ' / ' + h.failures }),
    el('td', { text: h.quarantined ? '⚠ quarantined' + (h.quarantine ? ': ' + h.quarantine : '') : 'no' }))));
}

async function loadRequests() {
  const { items } = await api.get('/api/v1/requests');
  $('requests-empty').hidden = items.length > 0;
  $('requests').replaceChildren(...items.map((r) => {
    const li = el('li', { class: 'request ' + r.state.toLowerCase(), 'data-id': r.id },
      el('span', { class: 'badge', text: r.state }), ' ',
      el('strong', { text: r.operation + ' ' + r.targets.join(' ') }),
      el('small', { text: ' ' + r.id + ' by ' + (r.principal || r.origin) + (r.dryRun ? ' (dry run)' : '') }),
      el('div', { class: 'progress-line' }));
    if (r.state === 'RUNNING') showProgress(r.id, r.progress ? { ...r.progress, phase: r.phase || r.progress.phase } : { phase: r.phase }, li);
    return li;
  }));
}

function showProgress(id, p, li = document.querySelector('#requests [data-id="' + CSS.escape(id || '') + '"]')) {
  if (!li) return;
  const line = li.querySelector('.progress-line');
  const parts = [p.phase && 'phase ' + p.phase, p.handler && 'handler ' + p.handler, p.device,
    p.total ? p.done + ' of ' + p.total : null, p.message].filter(Boolean);
  const kids = [el('span', { text: parts.join(' · ') })];
  if (p.total) kids.unshift(el('progress', { max: p.total, value: p.done, 'aria-label': 'progress of ' + id }));
  line.replaceChildren(...kids);
}

$('history-form').addEventListener('submit', (ev) => { ev.preventDefault(); refresh(['history']); });

async function loadHistory() {
  const q = new URLSearchParams({ limit: 50 });
  if ($('h-device').value.trim()) q.set('device', $('h-device').value.trim());
  if ($('h-outcome').value) q.set('outcome', $('h-outcome').value);
  if ($('h-since').value) q.set('since', new Date($('h-since').value).toISOString());
  let page;
  try {
    page = await api.get('/api/v1/history?' + q);
  } catch (e) {
    $('history-caption').textContent = 'Filter refused: ' + e.message;
    return;
  }
  $('history-caption').textContent = 'Newest first: ' + page.items.length + ' of ' + page.total;
  $('history-table').tBodies[0].replaceChildren(...page.items.map((r) => el('tr', { 'data-id': r.id },
    el('td', {}, el('time', { datetime: r.finished, text: new Date(r.finished).toLocaleString() })),
    el('td', { text: r.id }), el('td', { text: r.operation + (r.dryRun ? ' (dry run)' : '') }),
    el('td', { text: (r.devices && r.devices.length ? r.devices : r.targets).join(' ') }),
    el('td', { class: 'outcome ' + r.outcome, text: r.outcome + (r.error ? ': ' + r.error.message : '') }),
    el('td', { text: (r.principal || '') + ' (' + r.origin + ')' }))));
}

// ---------------------------------------------------------------- submit (operators)

function choose(device, op) {
  if (!operator) return;
  $('devices').value = device;
  $('op').value = op;
  $('sel-type').value = '';
  $('sel-count').value = '';
  formChanged();
}

function body(dryRun) {
  const b = { operation: $('op').value, force: $('force').checked, dryRun };
  const devices = $('devices').value.split(/[\s,]+/).filter(Boolean);
  if (devices.length) b.devices = devices;
  else if ($('sel-type').value) b.selection = { type: $('sel-type').value, count: Number($('sel-count').value || 1) };
  return b;
}

function formChanged() {
  explained = null;
  if ($('run')) $('run').disabled = true;
}

if ($('submit-form')) {
  ['op', 'devices', 'sel-type', 'sel-count', 'force'].forEach((id) => $(id).addEventListener('input', formChanged));
  $('submit-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const b = body(true);
    const result = await submit(b);
    if (result) {
      explained = body(false);
      $('run').disabled = !passes(result);
      if (!$('run').disabled) $('run').focus();
    }
  });
  $('run').addEventListener('click', async () => {
    if (!explained) return;
    const b = explained;
    formChanged();
    await submit(b);
  });
}

async function submit(b) {
  const out = $('explanation');
  out.replaceChildren(el('p', { text: (b.dryRun ? 'Dry run of ' : 'Running ') + b.operation + '…' }));
  let accepted;
  try {
    accepted = await api.post('/api/v1/requests', b);
  } catch (e) {
    out.replaceChildren(el('p', { class: 'error', role: 'alert', text: 'Refused: ' + e.message +
      (e.problem && e.problem.field ? ' (field ' + e.problem.field + ')' : '') }));
    return null;
  }
  const id = accepted.id;
  let r = accepted;
  while (r.state !== 'FINISHED') {
    const finished = new Promise((resolve) => waiters.set(id, resolve));
    // The outcome may have been sent before the waiter was set: look once more before waiting.
    r = await api.get('/api/v1/requests/' + encodeURIComponent(id));
    if (r.state === 'FINISHED') break;
    await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 5000))]);
    r = await api.get('/api/v1/requests/' + encodeURIComponent(id));
  }
  waiters.delete(id);
  out.replaceChildren(explain(r));
  return r;
}

/** A dry run that the chain would let through: DRY_RUN (SUCCEEDED from a sequencer before API 1.1). */
function passes(r) {
  return r.outcome === 'SUCCEEDED' || r.outcome === 'DRY_RUN';
}

function explain(r) {
  const box = el('div', { class: 'result ' + r.outcome, 'data-outcome': r.outcome, 'data-id': r.id,
    'data-dry-run': String(!!r.dryRun) });
  const what = r.operation + ' ' + (r.devices && r.devices.length ? r.devices : r.targets).join(' ');
  box.append(el('h3', { text: (r.dryRun ? 'Dry run: ' + (passes(r) ? 'would succeed' : 'would be refused')
    : 'Result: ' + r.outcome) + ' — ' + what }));
  if (r.dryRun) {
    box.append(el('p', { text: 'Nothing was changed. ' + (passes(r) ? 'Run would call these handlers in this order:'
      : 'These handlers were asked, and this is why the request would be refused:') }));
  }
  if (r.error) {
    box.append(el('p', { class: 'veto', role: 'alert', text: (r.error.overridable ? 'Veto (force overrides it)' : 'Refused') +
      ' by ' + (r.error.handler || 'the sequencer') + (r.error.device ? ' for ' + r.error.device : '') + ': ' +
      r.error.message + (r.error.errno ? ' [' + r.error.errno + ']' : '') }));
  }
  const steps = r.steps || [];
  if (steps.length) {
    box.append(el('table', { class: 'steps' }, el('caption', { text: 'Handlers, in order' }),
      el('thead', {}, el('tr', {}, ...['Phase', 'Handler', 'Devices', 'Status', 'Detail'].map((t) => el('th', { scope: 'col', text: t })))),
      el('tbody', {}, ...steps.map((s) => el('tr', { class: s.status },
        el('td', { text: s.phase }), el('td', { text: s.handler }), el('td', { text: s.devices.join(' ') }),
        el('td', { text: s.status }), el('td', { text: s.error ? s.error.message : '' }))))));
  } else {
    box.append(el('p', { text: 'No handler step was recorded.' }));
  }
  if (r.dryRun && passes(r)) {
    // A dry run asks the validate phase only; the chain says who would act after it.
    const types = new Set((r.devices && r.devices.length ? r.devices : r.targets).map((d) => d.split(':')[0]));
    const asked = new Set(steps.map((s) => s.handler));
    const then = chain.filter((h) => !asked.has(h.name) && h.phase !== 'validate'
      && (h.operations.length === 0 || h.operations.includes(r.operation))
      && (h.devices.length === 0 || h.devices.some((t) => t === '*' || types.has(t))));
    box.append(el('p', { text: then.length ? 'Then, on Run:' : 'No handler of a later phase matches this request.' }));
    if (then.length) {
      box.append(el('ol', { class: 'then' }, ...then.map((h) => el('li', { text: h.phase + ' ' + h.priority + ': ' + h.name
        + (h.quarantined ? ' (quarantined, would be skipped)' : '') }))));
    }
  }
  return box;
}
