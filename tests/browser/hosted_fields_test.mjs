// The hosted fields in a real browser: Debian's Chromium, headless, driven by playwright-core
// (no browser download: executablePath points at /usr/bin/chromium). Run by
// tests/e2e/hosted_fields_browser_test.cc against the real pi-server and pi-gateway, with the demo
// merchant (scripts/demo-merchant/server.mjs) started here on two origins: http://127.0.0.1:PORT
// is allowed for the application, http://localhost:PORT is not.
//   PI_BROWSER_NODE_MODULES     directory holding node_modules/playwright-core
//   PI_BROWSER_CHROMIUM         the browser, /usr/bin/chromium
//   PI_BROWSER_GATEWAY_URL      e.g. http://127.0.0.1:8080
//   PI_BROWSER_PUBLISHABLE_KEY  the application's publishable key
//   PI_BROWSER_MERCHANT_AUTH    "Basic ..." of its merchant credential (the demo's server side)
//   PI_BROWSER_DEMO_PORT        the demo merchant's port (its 127.0.0.1 origin is allowed)
//   PI_BROWSER_ARTIFACTS        where screenshots go
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startDemoMerchant } from '../../scripts/demo-merchant/server.mjs';

function env(name) {
  const value = process.env[name];
  assert.ok(value, `${name} must be set`);
  return value;
}

const require = createRequire(`${env('PI_BROWSER_NODE_MODULES')}/`);
const { chromium } = require('playwright-core');

const gatewayUrl = env('PI_BROWSER_GATEWAY_URL');
const artifacts = env('PI_BROWSER_ARTIFACTS');
const port = Number(env('PI_BROWSER_DEMO_PORT'));
const allowedShop = `http://127.0.0.1:${port}`;
const otherShop = `http://localhost:${port}`;
const expiryYear = String((new Date().getFullYear() + 3) % 100).padStart(2, '0');

let browser;
let demo;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  demo = await startDemoMerchant({
    gatewayUrl, publishableKey: env('PI_BROWSER_PUBLISHABLE_KEY'),
    merchantAuth: env('PI_BROWSER_MERCHANT_AUTH'), port, address: '127.0.0.1',
  });
  browser = await chromium.launch({
    executablePath: env('PI_BROWSER_CHROMIUM'),
    // Root in a container has no user namespaces for Chromium's sandbox.
    args: ['--no-sandbox'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (demo) await new Promise((resolve) => demo.server.close(resolve));
});

// A fresh page that records every request any of its frames makes, and every message its
// window receives.
async function openPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  page.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
  const consoleLines = [];
  page.on('console', (message) => consoleLines.push(message.text()));
  await page.addInitScript(() => {
    window.__messages = [];
    window.addEventListener('message', (event) => {
      window.__messages.push({ origin: event.origin, data: event.data });
    });
  });
  return { context, page, requests, consoleLines };
}

function tokenizations(requests) {
  return requests.filter((r) => r.startsWith('POST ') && r.includes('/tokens'));
}

test('a card typed into the iframe becomes a token, then a saved masked instrument', async () => {
  const { context, page, requests } = await openPage();
  await page.goto(`${allowedShop}/`);
  await page.waitForSelector('body[data-fields-ready="true"]', { timeout: 15000 });
  const fields = page.frameLocator('#card iframe');
  await fields.locator('#number').pressSequentially('4111111111111111');
  await fields.locator('#expiry').pressSequentially(`12${expiryYear}`);
  await fields.locator('#cvc').pressSequentially('123');
  // Formatting and brand detection as the user typed.
  assert.equal(await fields.locator('#number').inputValue(), '4111 1111 1111 1111');
  assert.equal(await fields.locator('#expiry').inputValue(), `12 / ${expiryYear}`);
  assert.equal(await fields.locator('#brand').textContent(), 'VISA');
  const filled = path.join(artifacts, 'hosted-fields-filled.png');
  await page.screenshot({ path: filled, fullPage: true });
  console.log(`# screenshot of the filled form: ${filled}`);
  // The card data is in the iframe only: the merchant's document cannot see it.
  assert.equal((await page.content()).includes('4111111111111111'), false);
  assert.equal((await page.content()).includes('4111 1111 1111 1111<'), false);

  await fields.locator('#submit').click();
  await page.waitForSelector('#result:not([hidden])', { timeout: 15000 });
  const saved = await page.locator('#instrument').textContent();
  assert.match(saved, /^VISA •••• 1111, expires 12\/20\d\d \(PI[0-9A-Za-z]+\)$/);
  const result = path.join(artifacts, 'hosted-fields-result.png');
  await page.screenshot({ path: result, fullPage: true });
  console.log(`# screenshot of the result: ${result}`);

  // The parent got exactly one token message, from the gateway's origin, with display data only.
  const messages = await page.evaluate(() => window.__messages);
  const tokens = messages.filter((m) => m.data && m.data.event === 'token');
  assert.equal(tokens.length, 1);
  assert.equal(tokens[0].origin, new URL(gatewayUrl).origin);
  assert.match(tokens[0].data.token, /^TK/);
  assert.deepEqual(Object.keys(tokens[0].data).sort(),
                   ['brand', 'event', 'expiry', 'last_four', 'token', 'type']);
  assert.equal(tokens[0].data.last_four, '1111');
  assert.equal(JSON.stringify(messages).includes('4111111111111111'), false);
  // One tokenization, sent by the iframe to the gateway, never by the merchant's page.
  assert.deepEqual(tokenizations(requests), [`POST ${gatewayUrl}/tokens`]);
  assert.ok(requests.includes(`POST ${allowedShop}/api/instruments`));
  await context.close();
});

test('a bad number shows the inline error and sends nothing', async () => {
  const { context, page, requests } = await openPage();
  await page.goto(`${allowedShop}/`);
  await page.waitForSelector('body[data-fields-ready="true"]', { timeout: 15000 });
  const fields = page.frameLocator('#card iframe');
  await fields.locator('#number').pressSequentially('4111111111111112');  // Luhn fails
  await fields.locator('#expiry').pressSequentially(`01${expiryYear}`);
  await fields.locator('#cvc').pressSequentially('12');  // too short
  await fields.locator('#submit').click();
  assert.equal(await fields.locator('#number-error').textContent(), 'This card number is not valid.');
  assert.equal(await fields.locator('#number').getAttribute('aria-invalid'), 'true');
  assert.equal(await fields.locator('#cvc-error').textContent(), 'The security code has 3 digits.');
  // An expired date is caught before submit too.
  await fields.locator('#expiry').fill('');
  await fields.locator('#expiry').pressSequentially('0120');
  await fields.locator('#submit').click();
  assert.equal(await fields.locator('#expiry-error').textContent(), 'This card has expired.');
  await page.screenshot({ path: path.join(artifacts, 'hosted-fields-invalid.png'), fullPage: true });
  assert.deepEqual(tokenizations(requests), [], 'no tokenization request left the browser');
  const messages = await page.evaluate(() => window.__messages);
  assert.equal(messages.filter((m) => m.data && m.data.event === 'token').length, 0);
  await context.close();
});

test('a page of a disallowed origin cannot frame the fields nor receive tokens', async () => {
  const { context, page, requests, consoleLines } = await openPage();
  // 1. Honest about its origin: the gateway refuses to serve it the fields.
  await page.goto(`${otherShop}/`);
  const refused = page.frameLocator('#card iframe');
  await refused.locator('#unavailable').waitFor({ timeout: 15000 });
  assert.match(await refused.locator('#unavailable').textContent(), /not allowed/);
  assert.equal(await refused.locator('#number').count(), 0);

  // 2. Lying about its origin (asks for the allowed shop's page), from an attacker's page of
  //    the other origin with no CSP of its own: the card page is served with frame-ancestors
  //    naming the allowed shop only, so the browser refuses to render it here.
  await page.route(`${otherShop}/attacker`, (route) => route.fulfill({
    status: 200, contentType: 'text/html', body: '<!doctype html><title>attacker</title><p>x</p>',
  }));
  await page.goto(`${otherShop}/attacker`);
  const cardUrl = `${gatewayUrl}/hosted-fields/v1/card?key=` +
      `${encodeURIComponent(env('PI_BROWSER_PUBLISHABLE_KEY'))}&origin=${encodeURIComponent(allowedShop)}`;
  // The gateway does serve it (the origin asked for is allowed), with frame-ancestors naming
  // the allowed shop: the browser must be the one that refuses.
  const served = await fetch(cardUrl);
  assert.equal(served.status, 200);
  assert.match(served.headers.get('content-security-policy'),
               new RegExp(`frame-ancestors ${allowedShop};`));
  await page.evaluate((src) => new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.id = 'stolen';
    frame.addEventListener('load', () => resolve(), { once: true });
    setTimeout(resolve, 10000);
    frame.src = src;
    document.body.appendChild(frame);
  }), cardUrl);
  await page.waitForTimeout(1000);  // lets a (wrongly) rendered frame run its script
  const stolen = page.frameLocator('#stolen');
  assert.equal(await stolen.locator('#number').count(), 0,
               'the card form rendered inside a disallowed origin');
  assert.ok(requests.includes(`GET ${cardUrl}`), 'the browser did ask for the card page');
  if (!consoleLines.some((line) => line.includes('frame-ancestors'))) {
    console.log(`# note: no frame-ancestors line in the console: ${consoleLines.join(' | ')}`);
  }
  const messages = await page.evaluate(() => window.__messages);
  assert.deepEqual(messages.filter((m) => m.data && m.data.type === 'pi-hosted-fields'), []);

  // 3. Calling the tokenization endpoint itself with the publishable key: refused by pi-server,
  //    and without CORS headers the page cannot even read the refusal.
  const outcome = await page.evaluate(async ([url, key]) => {
    try {
      const reply = await fetch(`${url}/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
        body: JSON.stringify({ type: 'PAYMENT_CARD', number: '4111111111111111',
                               expiration_month: 12, expiration_year: 2040 }),
      });
      return `read ${reply.status}`;
    } catch (error) {
      return 'blocked';
    }
  }, [gatewayUrl, env('PI_BROWSER_PUBLISHABLE_KEY')]);
  assert.equal(outcome, 'blocked');
  assert.equal(tokenizations(requests).length, 1, 'the preflighted POST was sent once');
  await context.close();
});
