import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isDomainError } from '../../domain/errors.js';
import { getKanbanCard, type KanbanCardView } from '../../services/kanban/kanban.service.js';

const STATE_TEXT: Record<KanbanCardView['state'], string> = {
  full: 'Full',
  empty: 'Empty, not ordered yet',
  ordered: 'Ordered',
  in_transit: 'In transit',
};

/** Text safe inside HTML elements and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"'`]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!,
  );
}

/**
 * The page a card's QR code opens on a phone, `GET /kanban/cards/{id}`: the item, location, container, card n of N
 * and state, and one button that signals the card through the API and shows what was ordered. Self-contained
 * (inline CSS and script under a per-response nonce, nothing loaded from elsewhere); an unknown card gets a 404 page.
 */
export async function kanbanPageRoutes(app: FastifyInstance): Promise<void> {
  app.get('/kanban/cards/:id', { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const nonce = randomBytes(16).toString('base64');
    try {
      const card = await getKanbanCard(app.database, id);
      return sendPage(reply, 200, nonce, renderCardPage(card, nonce));
    } catch (error) {
      if (isDomainError(error) && error.code === 'LS_NOT_FOUND') {
        return sendPage(reply, 404, nonce, renderNotFoundPage(id, nonce));
      }
      throw error;
    }
  });
}

function sendPage(reply: FastifyReply, status: number, nonce: string, html: string) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    )
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(html);
}

/** The card page; every value from the database goes through `escapeHtml`. */
export function renderCardPage(card: KanbanCardView, nonce: string): string {
  const e = escapeHtml;
  const loop = card.loop;
  const supplier = loop.orders_from
    ? loop.orders_from.name
      ? `${loop.orders_from.code} (${loop.orders_from.name})`
      : loop.orders_from.code
    : 'No usable supplier yet';
  const inCirculation = card.active && loop.active;
  const current =
    card.state === 'full'
      ? ''
      : card.purchase_order
        ? `Already signalled — on ${card.purchase_order}`
        : 'Already signalled — not on an order yet';
  const body = `
<main class="card" data-card-id="${e(card.id)}" data-container="${e(String(loop.container_quantity))}" data-unit="${e(loop.unit)}">
  <header class="band"><span>Kanban card</span><span>${card.number} of ${loop.cards}</span></header>
  <h1 class="sku">${e(loop.sku)}</h1>
  <p class="name">${e(loop.item_name)}</p>
  <dl class="facts">
    <div><dt>Location</dt><dd>${e(loop.location)}${loop.location_name ? ` — ${e(loop.location_name)}` : ''}</dd></div>
    <div><dt>Container</dt><dd>${e(String(loop.container_quantity))} ${e(loop.unit)}</dd></div>
    <div><dt>Supplier</dt><dd>${e(supplier)}</dd></div>
    <div><dt>State</dt><dd><span id="state" class="state state-${e(card.state)}">${e(STATE_TEXT[card.state])}</span></dd></div>
  </dl>
  ${
    inCirculation
      ? `${current ? `<p id="current" class="note">${e(current)}</p>` : ''}
  <button id="signal" class="signal" type="button" autofocus><span class="nowrap">Container empty&nbsp;—</span> <span class="nowrap">order one</span></button>
  <div id="result" class="result" role="status" aria-live="polite" tabindex="-1" hidden></div>
  <noscript><p class="result result-error">This page needs JavaScript to signal the card.</p></noscript>`
      : `<p class="result result-error">This card was retired from its loop${card.purchase_order ? ` (its container is on ${e(card.purchase_order)})` : ''}. Take it out of circulation.</p>`
  }
  <p class="card-id">Card <code>${e(card.id)}</code></p>
</main>
<script nonce="${nonce}">${SCRIPT}</script>`;
  return page(`Card ${card.number} of ${loop.cards} · ${loop.sku}`, nonce, body);
}

export function renderNotFoundPage(id: string, nonce: string): string {
  const shown = id.length > 64 ? `${id.slice(0, 64)}…` : id;
  return page(
    'Card not found',
    nonce,
    `
<main class="card">
  <header class="band"><span>Kanban card</span><span>not found</span></header>
  <h1 class="sku">Card not found</h1>
  <p class="name">There is no kanban card <code>${escapeHtml(shown)}</code>. Check that the whole QR code was scanned; if the label is old, its loop may have been set up again — ask for a new label.</p>
</main>`,
  );
}

function page(title: string, nonce: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} — Leanstock</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>${body}
</body>
</html>
`;
}

const STYLE = `
*{box-sizing:border-box}
[hidden]{display:none !important}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#eef0f3;color:#111;font:17px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.card{max-width:480px;margin:0 auto;padding:16px 16px 24px;background:#fff;min-height:100vh}
.band{display:flex;justify-content:space-between;gap:12px;background:#111;color:#fff;font-weight:700;padding:10px 14px;border-radius:10px;text-transform:uppercase;letter-spacing:.04em;font-size:14px}
.sku{font-size:30px;line-height:1.15;margin:18px 0 2px;overflow-wrap:anywhere}
.name{margin:0 0 14px;color:#333;overflow-wrap:anywhere}
.facts{margin:0 0 16px;display:grid;gap:10px}
.facts div{display:grid;grid-template-columns:96px 1fr;gap:8px;align-items:baseline;border-bottom:1px solid #e3e5e8;padding-bottom:8px}
.facts dt{color:#555;font-size:13px;text-transform:uppercase;letter-spacing:.05em}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.state{display:inline-block;padding:2px 10px;border-radius:999px;font-size:15px}
.state-full{background:#dcfce7;color:#14532d}
.state-empty{background:#fef3c7;color:#78350f}
.state-ordered{background:#dbeafe;color:#1e3a8a}
.state-in_transit{background:#e0e7ff;color:#312e81}
.note{margin:0 0 12px;padding:12px 14px;border-radius:10px;background:#fffbeb;color:#78350f;font-weight:600;border-left:8px solid #b45309}
.signal{display:block;width:100%;min-height:76px;margin:8px 0 16px;padding:14px 16px;border:0;border-radius:14px;background:#c2410c;color:#fff;font:inherit;font-size:20px;font-weight:700;line-height:1.25;cursor:pointer;touch-action:manipulation}
.signal:hover{background:#9a3412}
.signal:focus{outline:4px solid #111;outline-offset:4px}
.signal:focus:not(:focus-visible){outline-color:#9a3412}
.signal:disabled{background:#6b7280;cursor:default}
.result{margin:8px 0 16px;padding:14px 16px;border-radius:10px;font-size:19px;font-weight:600;border-left:8px solid}
.result:focus{outline:none}
.nowrap{white-space:nowrap}
.result-ok{background:#ecfdf5;border-color:#15803d;color:#14532d}
.result-warn{background:#fffbeb;border-color:#b45309;color:#78350f}
.result-error{background:#fef2f2;border-color:#b91c1c;color:#7f1d1d}
.card-id{color:#555;font-size:14px;margin:8px 0 0}
code{font:15px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
`;

// Runs in the phone's browser: plain ES5-compatible code, text set through textContent only.
const SCRIPT = `
(function () {
  var main = document.querySelector('main');
  var button = document.getElementById('signal');
  var result = document.getElementById('result');
  var state = document.getElementById('state');
  var current = document.getElementById('current');
  if (!button) return;
  var STATES = { full: 'Full', empty: 'Empty, not ordered yet', ordered: 'Ordered', in_transit: 'In transit' };
  var bytes = new Uint8Array(16);
  (window.crypto || window.msCrypto).getRandomValues(bytes);
  var key = 'kanban-page-' + Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  var label = button.innerHTML;
  button.focus();

  // Each line is a list of pieces; order numbers are kept on one line (a hyphen may otherwise break them).
  function show(kind, lines) {
    result.hidden = false;
    result.className = 'result result-' + kind;
    result.textContent = '';
    lines.forEach(function (pieces, index) {
      if (index > 0) result.appendChild(document.createElement('br'));
      pieces.forEach(function (piece) {
        if (typeof piece === 'string') {
          result.appendChild(document.createTextNode(piece));
        } else {
          var span = document.createElement('span');
          span.className = 'nowrap';
          span.textContent = piece.keep;
          result.appendChild(span);
        }
      });
    });
  }

  // "id: card 3 was retired …" → "Card 3 was retired …": the field name means nothing on this page.
  function sentence(message) {
    var text = String(message).replace(/^[A-Za-z_][\\w.\\[\\]]*: /, '');
    return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.');
  }

  function fail(text) {
    show('error', [[text]]);
    button.disabled = false;
    button.innerHTML = label;
    button.focus();
  }

  function describe(answer) {
    var container = main.getAttribute('data-container') + ' ' + main.getAttribute('data-unit');
    var lines = [];
    var ordered = false;
    (answer.triggered || []).forEach(function (outcome) {
      if (outcome.kind === 'order_line') {
        ordered = true;
        lines.push(['Ordered ' + (outcome.cards || 1) + ' \\u00d7 ' + container + ' on ', { keep: outcome.purchase_order }, ' from ' + outcome.supplier]);
      } else {
        lines.push(['Signalled, but not ordered: ' + outcome.message]);
      }
    });
    if (lines.length === 0) {
      lines.push(!answer.already_signalled
        ? ['Signalled.']
        : answer.purchase_order
          ? ['Already signalled \\u2014 on ', { keep: answer.purchase_order }]
          : ['Already signalled \\u2014 not on an order yet']);
    }
    return { kind: ordered || (answer.already_signalled && answer.purchase_order) ? 'ok' : 'warn', lines: lines };
  }

  button.addEventListener('click', function () {
    button.disabled = true;
    button.textContent = 'Ordering\\u2026';
    var url = '../../api/v1/kanban/cards/' + encodeURIComponent(main.getAttribute('data-card-id')) + '/signal';
    // A signed-in browser proves the request comes from this page with the session's CSRF token.
    var csrf = (document.cookie.match(/(?:^|; )leanstock_csrf=([^;]*)/) || [])[1];
    var headers = { 'Idempotency-Key': key, 'X-Actor': 'kanban-page' };
    if (csrf) headers['x-csrf-token'] = decodeURIComponent(csrf);
    fetch(url, { method: 'POST', headers: headers })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (!answer.ok) {
          fail(answer.body && answer.body.error ? sentence(answer.body.error.message) : 'The server refused the signal.');
          return;
        }
        var shown = describe(answer.body);
        show(shown.kind, shown.lines);
        state.textContent = STATES[answer.body.state] || answer.body.state;
        state.className = 'state state-' + answer.body.state;
        // Nothing more to do on this card: the answer takes the button's place and the focus.
        button.hidden = true;
        if (current) current.hidden = true;
        result.focus();
      })
      .catch(function () {
        fail('Could not reach the server. Check the connection and press again.');
      });
  });
})();
`;
