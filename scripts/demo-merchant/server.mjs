// A tiny merchant for the hosted-fields demo (Node, no npm dependencies). Its page mounts the
// vault's payment fields (an iframe served by pi-gateway), receives only a token, and sends it to
// this server, which associates it with an identity through the gateway's Finix dialect
// (POST /payment_instruments, type TOKEN) using the merchant's Basic credential, kept here, server
// side. The page then shows the masked instrument. Card data never reaches this process.
//
//   node scripts/demo-merchant/server.mjs      (scripts/run.sh starts it)
// Settings (environment):
//   PI_DEMO_GATEWAY_URL       the gateway as the browser and this server reach it
//   PI_DEMO_PUBLISHABLE_KEY   the application's publishable key (public by design)
//   PI_DEMO_MERCHANT_AUTH     "Basic ..." of a merchant credential (secret: server side only)
//   PI_DEMO_IDENTITY          identity owning the cards (else one is created at start)
//   PI_DEMO_ADDRESS           listen address, default 127.0.0.1
//   PI_DEMO_PORT              listen port, default 8081 (0 picks one)
// tests/browser/hosted_fields_test.mjs imports startDemoMerchant() instead.
import http from 'node:http';
import { fileURLToPath } from 'node:url';

function html(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function page(gatewayUrl, publishableKey) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Demo shop: save a card</title>
<link rel="stylesheet" href="/shop.css">
<script src="${html(gatewayUrl)}/hosted-fields/v1/payment-fields.js"></script>
<script src="/shop.js" defer></script>
</head>
<body data-publishable-key="${html(publishableKey)}">
<main>
  <h1>Demo shop</h1>
  <p>Save a card for later. Try 4111 1111 1111 1111, any future expiry, any 3 digits.</p>
  <div id="card"></div>
  <p id="status" role="status"></p>
  <section id="result" hidden>
    <h2>Saved</h2>
    <p id="instrument"></p>
  </section>
</main>
</body>
</html>
`;
}

const SHOP_JS = `'use strict';
// The merchant's own script: it never sees card data, only the token the fields hand over.
const status = document.getElementById('status');
PaymentFields.mount('#card', {
  publishableKey: document.body.dataset.publishableKey,
  onReady() { status.textContent = 'Card form ready.'; document.body.dataset.fieldsReady = 'true'; },
  onError({ message }) { status.textContent = message; },
  async onToken({ token, brand, last_four }) {
    document.body.dataset.token = token;
    status.textContent = 'Card tokenized (' + brand + ' ending ' + last_four + '); saving...';
    const reply = await fetch('/api/instruments', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    const saved = await reply.json();
    if (!reply.ok) { status.textContent = 'Could not save the card: ' + saved.error; return; }
    const month = String(saved.expiration_month).padStart(2, '0');
    document.getElementById('instrument').textContent =
      saved.brand + ' •••• ' + saved.last_four + ', expires ' + month + '/' + saved.expiration_year +
      ' (' + saved.id + ')';
    document.getElementById('result').hidden = false;
    status.textContent = 'Card saved.';
  },
});
`;

const SHOP_CSS = `body { font: 16px/1.5 system-ui, sans-serif; background: #f4f6f8; color: #1f2933; }
main { max-width: 480px; margin: 40px auto; padding: 24px; background: #fff; border-radius: 10px;
       box-shadow: 0 1px 4px rgba(0,0,0,.12); }
#card { margin: 16px 0; }
#result { padding: 12px; background: #e6f4ea; border-radius: 6px; }
`;

async function gatewayJson(options, method, path, body) {
  const reply = await fetch(`${options.gatewayUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: options.merchantAuth },
    body: JSON.stringify(body),
  });
  const json = await reply.json().catch(() => ({}));
  return { status: reply.status, json };
}

async function readJson(request) {
  let raw = '';
  for await (const chunk of request) {
    raw += chunk;
    if (raw.length > 4096) throw new Error('body too large');
  }
  return JSON.parse(raw);
}

// Starts the demo; resolves to { server, port, identity }.
export async function startDemoMerchant(options) {
  const opts = { address: '127.0.0.1', port: 8081, ...options };
  for (const name of ['gatewayUrl', 'publishableKey', 'merchantAuth']) {
    if (!opts[name]) throw new Error(`demo merchant: ${name} is required`);
  }
  let identity = opts.identity;
  if (!identity) {
    const made = await gatewayJson(opts, 'POST', '/identities',
                                   { entity: { first_name: 'Demo', last_name: 'Shopper' } });
    if (made.status !== 201) throw new Error(`demo merchant: POST /identities ${made.status}`);
    identity = made.json.id;
  }
  // The page may load scripts and frames from the gateway only, and talk to this server only.
  const gatewayOrigin = new URL(opts.gatewayUrl).origin;
  const csp = `default-src 'self'; script-src 'self' ${gatewayOrigin}; frame-src ${gatewayOrigin}; ` +
              "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  const server = http.createServer(async (request, response) => {
    const send = (status, type, body, extra = {}) => {
      response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store',
                                   'X-Content-Type-Options': 'nosniff', ...extra });
      response.end(body);
    };
    try {
      const url = new URL(request.url, 'http://demo');
      if (request.method === 'GET' && url.pathname === '/') {
        return send(200, 'text/html; charset=utf-8', page(opts.gatewayUrl, opts.publishableKey),
                    { 'Content-Security-Policy': csp });
      }
      if (request.method === 'GET' && url.pathname === '/shop.js') {
        return send(200, 'text/javascript; charset=utf-8', SHOP_JS);
      }
      if (request.method === 'GET' && url.pathname === '/shop.css') {
        return send(200, 'text/css; charset=utf-8', SHOP_CSS);
      }
      if (request.method === 'POST' && url.pathname === '/api/instruments') {
        const { token } = await readJson(request);
        if (typeof token !== 'string' || !/^TK[0-9A-Za-z]+$/.test(token)) {
          return send(400, 'application/json', JSON.stringify({ error: 'a token is required' }));
        }
        const saved = await gatewayJson(opts, 'POST', '/payment_instruments',
                                        { type: 'TOKEN', token, identity });
        if (saved.status !== 201) {
          const errors = saved.json._embedded && saved.json._embedded.errors;
          const error = errors && errors[0] ? errors[0].message : `gateway answered ${saved.status}`;
          return send(502, 'application/json', JSON.stringify({ error }));
        }
        const i = saved.json;
        // Only masked data: this is all a merchant ever gets back.
        return send(201, 'application/json', JSON.stringify({
          id: i.id, brand: i.brand, last_four: i.last_four, bin: i.bin,
          expiration_month: i.expiration_month, expiration_year: i.expiration_year,
        }));
      }
      return send(404, 'text/plain', 'not found');
    } catch (error) {
      return send(500, 'application/json', JSON.stringify({ error: 'demo merchant failed' }));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.address, resolve);
  });
  return { server, port: server.address().port, identity };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const e = process.env;
  const demo = await startDemoMerchant({
    gatewayUrl: e.PI_DEMO_GATEWAY_URL, publishableKey: e.PI_DEMO_PUBLISHABLE_KEY,
    merchantAuth: e.PI_DEMO_MERCHANT_AUTH, identity: e.PI_DEMO_IDENTITY,
    address: e.PI_DEMO_ADDRESS || '127.0.0.1', port: Number(e.PI_DEMO_PORT || 8081),
  });
  console.log(`demo merchant listening on http://${e.PI_DEMO_ADDRESS || '127.0.0.1'}:${demo.port}`);
  const stop = () => demo.server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
