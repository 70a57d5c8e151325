// The simulated BankID app: a small page on the simulator's loopback control port where a person
// plays the parent's phone — scans the kiosk's QR, types the security code, approves or cancels —
// and a tester injects faults. A developer tool, not a parent-facing screen, so its English texts
// live here rather than in the kiosk's message catalogues. All data is rendered with textContent.

export const APP_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Simulated BankID app</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header><h1>Simulated BankID app</h1><p>Plays the parent's phone for the kiosk's built-in BankID simulator.</p></header>
<main>
  <section aria-labelledby="me-title">
    <h2 id="me-title">Who is holding the phone</h2>
    <p>Orders pinned to a personal number are always taken by that person. Security code of the built-in people: <code>123456</code>.
      Four wrong codes in a row lock the security code (BankID blocked).</p>
    <label>Person <select id="person"></select></label>
    <div id="people"></div>
  </section>
  <section aria-labelledby="orders-title">
    <h2 id="orders-title">Orders</h2>
    <p id="empty">No orders yet. Start a login on the kiosk.</p>
    <ul id="orders"></ul>
  </section>
  <section aria-labelledby="faults-title">
    <h2 id="faults-title">Fault injection</h2>
    <div class="buttons" id="fault-buttons"></div>
    <ul id="faults"></ul>
  </section>
  <p id="status" role="status" aria-live="polite"></p>
</main>
</body>
</html>
`

export const APP_PAGE_CSS = `
:root { font-family: system-ui, sans-serif; color: #111; background: #f4f5f7; }
body { margin: 0 auto; max-width: 56rem; padding: 1rem; }
header h1 { margin-bottom: 0; } header p { margin-top: .25rem; color: #444; }
section { background: #fff; border-radius: 8px; padding: 1rem; margin: 1rem 0; box-shadow: 0 1px 2px #0002; }
ul { list-style: none; padding: 0; }
li.order { border: 1px solid #ccd; border-radius: 6px; padding: .75rem; margin: .5rem 0; }
li.order.ended { opacity: .7; }
.meta { color: #444; font-size: .9rem; }
.text { white-space: pre-wrap; background: #f4f5f7; padding: .5rem; border-radius: 4px; }
button { font: inherit; padding: .4rem .8rem; margin: .2rem; border-radius: 4px; border: 1px solid #235; background: #235; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #235; }
input, select { font: inherit; padding: .3rem; }
.buttons { display: flex; flex-wrap: wrap; }
#status { min-height: 1.5em; font-weight: bold; }
.blocked { color: #a00; font-weight: bold; }
`

export const APP_PAGE_JS = `'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const status = (text) => { $('status').textContent = text; };
  const el = (tag, props, ...children) => {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children) node.append(child);
    return node;
  };
  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: method === 'GET' ? {} : { 'Content-Type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(body || {}),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }
  const act = (label, run) => async () => {
    try { await run(); status(label + ': done'); } catch (error) { status(label + ': ' + error.message); }
    refresh();
  };

  const FAULTS = [
    ['Next auth: 503 twice', { endpoint: 'auth', times: 2, fault: { kind: 'maintenance' } }],
    ['Next auth: 500', { endpoint: 'auth', times: 1, fault: { kind: 'internalError' } }],
    ['Next collect: 408', { endpoint: 'collect', times: 1, fault: { kind: 'requestTimeout' } }],
    ['Every request: 503', { endpoint: '*', fault: { kind: 'maintenance' } }],
    ['Next request hangs', { endpoint: '*', times: 1, fault: { kind: 'hang' } }],
    ['Next request: 5 s slow', { endpoint: '*', times: 1, fault: { kind: 'slow', delayMs: 5000 } }],
    ['Next request: connection dropped', { endpoint: '*', times: 1, fault: { kind: 'drop' } }],
    ['Next request: broken JSON', { endpoint: '*', times: 1, fault: { kind: 'malformedJson' } }],
    ['Next collect: unknown pending hint', { endpoint: 'collect', times: 1, fault: { kind: 'hintCode', hintCode: 'newPendingHint', status: 'pending' } }],
    ['Next collect: unknown failed hint', { endpoint: 'collect', times: 1, fault: { kind: 'hintCode', hintCode: 'newFailedHint', status: 'failed' } }],
    ['Next auth: unknown error code', { endpoint: 'auth', times: 1, fault: { kind: 'errorResponse', errorCode: 'newErrorCode', httpStatus: 400 } }],
  ];
  for (const [label, rule] of FAULTS) {
    $('fault-buttons').append(el('button', { type: 'button', className: 'secondary', textContent: label, onclick: act(label, () => api('POST', '/api/faults', rule)) }));
  }
  $('fault-buttons').append(el('button', { type: 'button', textContent: 'Clear all faults', onclick: act('Clear faults', () => api('DELETE', '/api/faults')) }));

  const OUTCOMES = ['transactionRiskBlocked', 'notSupportedByUserApp', 'certificateErr', 'expiredTransaction', 'newUnknownHint'];
  const orderItems = new Map();

  function orderItem(order) {
    let item = orderItems.get(order.orderRef);
    if (item) return item;
    const ref = order.orderRef;
    const code = el('input', { type: 'password', inputMode: 'numeric', autocomplete: 'off', placeholder: 'Security code' });
    code.setAttribute('aria-label', 'Security code');
    const payload = el('input', { type: 'text', placeholder: 'or paste a QR payload: bankid.…' });
    payload.setAttribute('aria-label', 'QR payload');
    const outcome = el('select', {}, ...OUTCOMES.map((hint) => el('option', { value: hint, textContent: hint })));
    outcome.setAttribute('aria-label', 'Scripted failure');
    const who = () => ($('person').value ? { personalNumber: $('person').value } : {});
    const parts = {
      title: el('strong'), meta: el('div', { className: 'meta' }), text: el('div', { className: 'text' }),
      pickup: el('div', {},
        el('button', { type: 'button', textContent: 'Scan QR code', onclick: act('Scan', () => api('POST', '/api/orders/' + ref + '/scan-current', who())) }),
        payload,
        el('button', { type: 'button', className: 'secondary', textContent: 'Scan pasted payload', onclick: act('Scan', () => api('POST', '/api/scan', { payload: payload.value, ...who() })) })),
      mrtd: el('div', {}, el('button', { type: 'button', textContent: 'Scan passport / ID card', onclick: act('ID document', () => api('POST', '/api/orders/' + ref + '/mrtd')) })),
      sign: el('div', {}, code,
        el('button', { type: 'button', textContent: 'Identify', onclick: act('Security code', async () => {
          const result = await api('POST', '/api/orders/' + ref + '/code', { code: code.value });
          code.value = '';
          if (result.result === 'wrong') throw new Error('wrong code, ' + result.attemptsLeft + ' attempts left');
          if (result.result === 'blocked') throw new Error('security code locked: this BankID is now blocked');
        }) })),
      pending: el('div', {},
        el('button', { type: 'button', className: 'secondary', textContent: 'Cancel in the app', onclick: act('Cancel', () => api('POST', '/api/orders/' + ref + '/cancel')) }),
        outcome,
        el('button', { type: 'button', className: 'secondary', textContent: 'Fail with this code', onclick: act('Fail', () => api('POST', '/api/orders/' + ref + '/fail', { hintCode: outcome.value })) })),
    };
    item = { node: el('li', { className: 'order' }, parts.title, parts.meta, parts.text, parts.pickup, parts.mrtd, parts.sign, parts.pending), parts };
    orderItems.set(ref, item);
    return item;
  }

  function renderOrders(orders) {
    $('empty').hidden = orders.length > 0;
    const list = $('orders');
    const seen = new Set();
    for (const order of orders.slice().reverse()) {
      seen.add(order.orderRef);
      const { node, parts } = orderItem(order);
      const ended = order.status !== 'pending';
      node.classList.toggle('ended', ended);
      parts.title.textContent = (order.type === 'auth' ? 'Identification' : 'Signing') + ' — ' + order.status + (order.hintCode ? ' (' + order.hintCode + ')' : '');
      parts.meta.textContent = 'order ' + order.orderRef.slice(0, 8) + '…, ' + order.ageSeconds + ' s old' +
        (order.requiredPersonalNumber ? ', only for ' + order.requiredPersonalNumber : '') +
        (order.personalNumber ? ', taken by ' + order.personalNumber : '') + (order.mrtd ? ', needs ID document' : '');
      parts.text.textContent = order.userVisibleText || '(no text)';
      parts.pickup.hidden = order.stage !== 'awaiting-pickup';
      parts.mrtd.hidden = order.stage !== 'awaiting-mrtd';
      parts.sign.hidden = order.stage !== 'awaiting-code';
      parts.pending.hidden = ended;
      if (node.parentNode !== list) list.append(node);
    }
    for (const [ref, item] of orderItems) if (!seen.has(ref)) { item.node.remove(); orderItems.delete(ref); }
  }

  const unchanged = (name, data) => {
    const key = JSON.stringify(data);
    if (unchanged[name] === key) return true;
    unchanged[name] = key;
    return false;
  };

  function renderPeople(people) {
    if (unchanged('people', people)) return;
    const select = $('person');
    const chosen = select.value;
    select.replaceChildren(...people.map((p) => el('option', { value: p.personalNumber, textContent: p.givenName + ' ' + p.surname + ' (' + p.personalNumber + ')' })));
    if (people.some((p) => p.personalNumber === chosen)) select.value = chosen;
    $('people').replaceChildren(...people.filter((p) => p.blocked || p.wrongCodesInARow > 0).map((p) => el('p', {},
      el('span', { className: p.blocked ? 'blocked' : '', textContent: p.givenName + ' ' + p.surname + (p.blocked ? ': BankID blocked (security code locked) ' : ': ' + p.wrongCodesInARow + ' wrong code(s) in a row ') }),
      el('button', { type: 'button', className: 'secondary', textContent: 'Get a new BankID (unblock)', onclick: act('Unblock', () => api('POST', '/api/people/' + p.personalNumber + '/unblock')) }))));
  }

  function renderFaults(faults) {
    if (unchanged('faults', faults)) return;
    $('faults').replaceChildren(...faults.map((rule) => el('li', {},
      el('span', { textContent: rule.endpoint + ': ' + rule.fault.kind + (rule.remaining === null ? ' (until cleared)' : ' (' + rule.remaining + ' left)') + ' ' }),
      el('button', { type: 'button', className: 'secondary', textContent: 'Remove', onclick: act('Remove fault', () => api('DELETE', '/api/faults/' + rule.id)) }))));
  }

  let busy = false;
  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const [orders, people, faults] = await Promise.all([api('GET', '/api/orders'), api('GET', '/api/people'), api('GET', '/api/faults')]);
      renderOrders(orders); renderPeople(people); renderFaults(faults);
    } catch (error) {
      status('Simulator not reachable: ' + error.message);
    } finally {
      busy = false;
    }
  }
  refresh();
  setInterval(refresh, 1000);
})();
`
