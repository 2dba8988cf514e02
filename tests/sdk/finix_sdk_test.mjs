// Finix's official Node SDK (@finix-payments/finix), unchanged, pointed at pi-gateway's Finix
// dialect. Run by tests/e2e/sdk_clients_test.cc with:
//   PI_SDK_NODE_MODULES  directory holding node_modules/ with the pinned SDKs (tests/sdk/package.json)
//   PI_SDK_BASE_URL      the gateway, e.g. http://127.0.0.1:8080 (Finix is mounted at /)
//   PI_SDK_FINIX_USERNAME, PI_SDK_FINIX_PASSWORD   a Basic credential of one application
// The SDK sends application/hal+json bodies with Finix-Version 2022-02-01 and throws an HttpError
// whose `body` is `_embedded.errors` of the reply: an error body outside Finix's envelope makes it
// throw a TypeError instead, which these tests would report.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

function env(name) {
  const value = process.env[name];
  assert.ok(value, `${name} must be set`);
  return value;
}

const require = createRequire(`${env('PI_SDK_NODE_MODULES')}/`);
const { Client, Models } = require('@finix-payments/finix');
const { HttpError } = require('@finix-payments/finix/lib/api/apis');

const client = new Client(env('PI_SDK_FINIX_USERNAME'), env('PI_SDK_FINIX_PASSWORD'),
                          env('PI_SDK_BASE_URL'));

const kVisa = '4111111111111111';
const nextYear = new Date().getUTCFullYear() + 1;

async function createIdentity() {
  const identity = await client.Identities.create({
    entity: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    tags: { source: 'finix-sdk' },
  });
  assert.match(identity.id, /^ID/);
  return identity;
}

async function createCard(identityId, tags = { order: '42' }) {
  return client.PaymentInstruments.create({
    type: Models.CreatePaymentInstrumentRequest.TypeEnum.PaymentCard,
    identity: identityId,
    name: 'Ada Lovelace',
    number: kVisa,
    expirationMonth: 12,
    expirationYear: nextYear,
    securityCode: '123',
    tags,
  });
}

// The SDK's typed error, with Finix's envelope in `body`; anything else (a TypeError from an
// unexpected body, a network error) fails the assertion with the thing that was thrown.
async function expectHttpError(promise, statusCode) {
  let thrown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof HttpError, `expected the SDK's HttpError, got ${thrown}`);
  assert.equal(thrown.statusCode, statusCode);
  assert.ok(Array.isArray(thrown.body) && thrown.body.length > 0, 'errors in _embedded.errors');
  for (const e of thrown.body) {
    assert.equal(typeof e.code, 'string');
    assert.equal(typeof e.message, 'string');
  }
  return thrown;
}

test('Identities.create and Identities.get', async () => {
  const created = await createIdentity();
  const fetched = await client.Identities.get(created.id);
  assert.equal(fetched.id, created.id);
  assert.equal(fetched.entity.firstName, 'Ada');
});

test('PaymentInstruments.create a card, then get it', async () => {
  const identity = await createIdentity();
  const card = await createCard(identity.id);
  assert.match(card.id, /^PI/);
  assert.equal(card.type, 'PAYMENT_CARD');
  assert.equal(card.identity, identity.id);
  assert.equal(card.lastFour, '1111');
  assert.equal(card.bin, '411111');
  assert.equal(card.brand, 'VISA');
  assert.equal(card.enabled, true);
  assert.deepEqual(card.tags, { order: '42' });
  assert.ok(!JSON.stringify(card).includes(kVisa), 'no card number in the reply');

  const fetched = await client.PaymentInstruments.get(card.id);
  assert.equal(fetched.id, card.id);
  assert.equal(fetched.lastFour, '1111');
  assert.equal(fetched.fingerprint, card.fingerprint);

  const { response } = await client.PaymentInstruments.getHttp(card.id);
  assert.equal(response.headers['finix-version'], '2022-02-01', 'the SDK\'s version echoed');
});

test('PaymentInstruments.list returns a finixList with a page, and pages on', async () => {
  const identity = await createIdentity();
  const ids = new Set();
  for (let i = 0; i < 3; i++) ids.add((await createCard(identity.id, { n: String(i) })).id);

  const first = await client.PaymentInstruments.list({ ownerIdentityId: identity.id, limit: 2 });
  assert.ok(first.page, 'page object');
  assert.equal(first.size, 2);
  assert.equal(first.hasMore, true);
  const second = await first.listNext(2);
  assert.equal(second.hasMore, false);
  const seen = new Set([...first, ...second].map((pi) => pi.id));
  assert.deepEqual(seen, ids);

  const all = await client.PaymentInstruments.list({ ownerIdentityId: identity.id });
  assert.ok(all.page, 'page object');
  assert.equal(all.size, 3);
  assert.equal(all.hasMore, false);
});

test('PaymentInstruments.update disables and retags', async () => {
  const identity = await createIdentity();
  const card = await createCard(identity.id);
  const updated = await client.PaymentInstruments.update(card.id, {
    enabled: false,
    tags: { order: '43', note: 'retagged' },
  });
  assert.equal(updated.id, card.id);
  assert.equal(updated.enabled, false);
  assert.deepEqual(updated.tags, { order: '43', note: 'retagged' });
  const fetched = await client.PaymentInstruments.get(card.id);
  assert.equal(fetched.enabled, false);
});

test('a refused card surfaces as HttpError 422 with Finix errors', async () => {
  const identity = await createIdentity();
  const error = await expectHttpError(client.PaymentInstruments.create({
    type: Models.CreatePaymentInstrumentRequest.TypeEnum.PaymentCard,
    identity: identity.id,
    name: 'Ada Lovelace',
    number: '4111111111111112',  // fails the Luhn check
    expirationMonth: 12,
    expirationYear: nextYear,
    securityCode: '123',
  }), 422);
  assert.ok(!JSON.stringify(error.body).includes('4111111111111112'), 'no card number echoed');
});

test('an unknown instrument surfaces as HttpError 404', async () => {
  await expectHttpError(client.PaymentInstruments.get('PIdoesnotexist000000000000'), 404);
});

test('an unknown identity surfaces as HttpError 404', async () => {
  await expectHttpError(client.Identities.get('IDdoesnotexist000000000000'), 404);
});
