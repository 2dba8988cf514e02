// SumUp's official Node SDK (@sumup/sdk), unchanged, pointed at pi-gateway's SumUp dialect
// (mounted at /v0.1; the SDK's paths carry that prefix). Run by tests/e2e/sdk_clients_test.cc with:
//   PI_SDK_NODE_MODULES  directory holding node_modules/ with the pinned SDKs (tests/sdk/package.json)
//   PI_SDK_BASE_URL      the gateway, e.g. http://127.0.0.1:8080
//   PI_SDK_SUMUP_API_KEY the `key` printed by `pi-server create-credential --kind=api_key`
// The SDK sends Content-Type: application/json on every request (GET and DELETE included), takes a
// 2xx only as 204 or with a JSON content type, and throws APIError for any other status.
// SDK 0.2.0 has no typed method to save a card (POST /customers/{id}/payment-instruments), so that
// one call goes through the SDK's own generic client.post, with its headers, auth and parsing.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

function env(name) {
  const value = process.env[name];
  assert.ok(value, `${name} must be set`);
  return value;
}

const require = createRequire(`${env('PI_SDK_NODE_MODULES')}/`);
const { SumUp, APIError } = require('@sumup/sdk');

const client = new SumUp({ apiKey: env('PI_SDK_SUMUP_API_KEY'), host: env('PI_SDK_BASE_URL'),
                           timeout: 10000 });

const kVisa = '4111111111111111';
const nextYear = String(new Date().getUTCFullYear() + 1);
let customerCount = 0;

async function createCustomer() {
  const customerId = `sdk-${process.pid}-${Date.now()}-${++customerCount}`;
  const customer = await client.customers.create({
    customer_id: customerId,
    personal_details: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com',
                        address: { country: 'GB', city: 'London' } },
  });
  assert.equal(customer.customer_id, customerId);
  return customerId;
}

function saveCard(customerId, number = kVisa) {
  return client.post({
    path: `/v0.1/customers/${encodeURIComponent(customerId)}/payment-instruments`,
    body: { type: 'card',
            card: { name: 'Ada Lovelace', number, expiry_year: nextYear, expiry_month: '12',
                    cvv: '123', zip_code: '94105' } },
  });
}

async function expectApiError(promise, status) {
  let thrown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof APIError, `expected the SDK's APIError, got ${thrown}`);
  assert.equal(thrown.status, status);
  assert.equal(typeof thrown.error, 'object', 'a JSON error body');
  return thrown;
}

test('customers.create', async () => {
  await createCustomer();
});

test('save a card, list it (bare array), deactivate it (204)', async () => {
  const customerId = await createCustomer();
  const saved = await saveCard(customerId);
  assert.equal(typeof saved.token, 'string');
  assert.equal(saved.active, true);
  assert.equal(saved.type, 'card');
  assert.equal(saved.card.last_4_digits, '1111');
  assert.equal(saved.card.type, 'VISA');
  assert.ok(!JSON.stringify(saved).includes(kVisa), 'no card number in the reply');

  const listed = await client.customers.listPaymentInstruments(customerId);
  assert.ok(Array.isArray(listed), 'a bare array');
  assert.deepEqual(listed.map((pi) => pi.token), [saved.token]);

  const { data, response } =
      await client.customers.deactivatePaymentInstrumentWithResponse(customerId, saved.token);
  assert.equal(response.status, 204);
  assert.equal(data, undefined);
  assert.deepEqual(await client.customers.listPaymentInstruments(customerId), []);
});

test('an invalid card surfaces as APIError 400', async () => {
  const customerId = await createCustomer();
  const error = await expectApiError(saveCard(customerId, '4111111111111112'), 400);
  assert.ok(!JSON.stringify(error.error).includes('4111111111111112'), 'no card number echoed');
});

test('an unknown customer surfaces as APIError 404', async () => {
  await expectApiError(client.customers.listPaymentInstruments('no-such-customer'), 404);
});

test('deactivating an unknown card surfaces as APIError 404', async () => {
  const customerId = await createCustomer();
  await expectApiError(client.customers.deactivatePaymentInstrument(customerId, 'no-such-token'),
                       404);
});

test('a wrong API key surfaces as APIError 401', async () => {
  const stranger = new SumUp({ apiKey: 'SKnotakey_nosecret', host: env('PI_SDK_BASE_URL'),
                               timeout: 10000 });
  await expectApiError(stranger.customers.listPaymentInstruments('anyone'), 401);
});
