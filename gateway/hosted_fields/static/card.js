// The hosted card form. It runs on the gateway's origin, inside an iframe on a merchant's page,
// so the card number, expiry and security code never exist in the merchant's page: they are
// validated here as the user types, sent only to the gateway's tokenization endpoint (same
// origin, with the application's publishable key), and what leaves the frame is the token plus
// the brand, last four digits and expiry for display, posted to exactly the parent origin the
// gateway checked against the application's allowed origins (its CSP frame-ancestors names the
// same origin, so no other page can hold this frame). No third-party code, no build step.
'use strict';
(function () {
  const config = document.body.dataset;
  const parentOrigin = config.parentOrigin;
  const publishableKey = config.key;
  const tokensUrl = config.tokensUrl;
  const MESSAGE = 'pi-hosted-fields';

  // Card networks, most specific prefix first wins (the server's table is authoritative; this
  // one only guides the user). ranges: [digits, first, last] of the leading digits.
  const BRANDS = [
    { brand: 'VISA', label: 'VISA', ranges: [[1, 4, 4]], lengths: [13, 16, 19] },
    { brand: 'MASTERCARD', label: 'MASTERCARD', ranges: [[2, 51, 55], [4, 2221, 2720]],
      lengths: [16] },
    { brand: 'AMERICAN_EXPRESS', label: 'AMEX', ranges: [[2, 34, 34], [2, 37, 37]],
      lengths: [15], code: 4, groups: [4, 6, 5] },
    { brand: 'DISCOVER', label: 'DISCOVER',
      ranges: [[4, 6011, 6011], [3, 644, 649], [2, 65, 65], [6, 622126, 622925]],
      lengths: [16, 17, 18, 19] },
    { brand: 'JCB', label: 'JCB', ranges: [[4, 3528, 3589]], lengths: [16, 17, 18, 19] },
    { brand: 'DINERS_CLUB', label: 'DINERS', ranges: [[3, 300, 305], [4, 3095, 3095], [2, 36, 36],
      [2, 38, 39]], lengths: [14, 15, 16, 17, 18, 19], groups: [4, 6, 4] },
    { brand: 'CHINA_UNION_PAY', label: 'UNIONPAY', ranges: [[2, 62, 62], [2, 81, 81]],
      lengths: [16, 17, 18, 19], noLuhn: true },
    { brand: 'MAESTRO', label: 'MAESTRO', ranges: [[4, 5018, 5018], [4, 5020, 5020],
      [4, 5038, 5038], [4, 5893, 5893], [4, 6304, 6304], [4, 6759, 6759], [4, 6761, 6763]],
      lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
  ];
  const UNKNOWN = { brand: 'UNKNOWN', label: '', ranges: [], lengths: [12, 13, 14, 15, 16, 17, 18, 19] };

  function detectBrand(digits) {
    let best = UNKNOWN;
    let bestLength = 0;
    for (const candidate of BRANDS) {
      for (const [length, first, last] of candidate.ranges) {
        if (digits.length < length || length <= bestLength) continue;
        const prefix = Number(digits.slice(0, length));
        if (prefix >= first && prefix <= last) {
          best = candidate;
          bestLength = length;
        }
      }
    }
    return best;
  }

  function passesLuhn(digits) {
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = digits.charCodeAt(digits.length - 1 - i) - 48;
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return sum % 10 === 0;
  }

  // "4111111111111111" -> "4111 1111 1111 1111"; Amex 4-6-5, Diners 14 digits 4-6-4.
  function formatNumber(digits, brand) {
    const groups = brand.groups && (brand.brand !== 'DINERS_CLUB' || digits.length <= 14)
      ? brand.groups : [4, 4, 4, 4, 3];
    const parts = [];
    let at = 0;
    for (const size of groups) {
      if (at >= digits.length) break;
      parts.push(digits.slice(at, at + size));
      at += size;
    }
    if (at < digits.length) parts.push(digits.slice(at));
    return parts.join(' ');
  }

  function onlyDigits(value) {
    return value.replace(/\D/g, '');
  }

  const form = document.getElementById('card-form');
  const number = document.getElementById('number');
  const expiry = document.getElementById('expiry');
  const code = document.getElementById('cvc');
  const brandLabel = document.getElementById('brand');
  const submit = document.getElementById('submit');
  const formError = document.getElementById('form-error');

  // The validation of each field: "" when valid, else the message to show.
  function numberProblem() {
    const digits = onlyDigits(number.value);
    if (digits.length === 0) return 'Enter the card number.';
    const brand = detectBrand(digits);
    if (!brand.lengths.includes(digits.length)) return 'The card number is incomplete or too long.';
    if (!brand.noLuhn && !passesLuhn(digits)) return 'This card number is not valid.';
    return '';
  }

  // { month, year } of the expiry field, or null.
  function parsedExpiry() {
    const digits = onlyDigits(expiry.value);
    if (digits.length !== 4 && digits.length !== 6) return null;
    const month = Number(digits.slice(0, 2));
    const year = digits.length === 4 ? 2000 + Number(digits.slice(2)) : Number(digits.slice(2));
    return { month, year };
  }

  function expiryProblem() {
    if (onlyDigits(expiry.value).length === 0) return 'Enter the expiry date.';
    const parsed = parsedExpiry();
    if (!parsed || parsed.month < 1 || parsed.month > 12) return 'Enter the expiry as MM / YY.';
    const now = new Date();
    const thisMonth = now.getFullYear() * 12 + now.getMonth();
    const expiryMonth = parsed.year * 12 + (parsed.month - 1);
    if (expiryMonth < thisMonth) return 'This card has expired.';
    if (parsed.year > now.getFullYear() + 50) return 'The expiry year is too far ahead.';
    return '';
  }

  function codeProblem() {
    const expected = detectBrand(onlyDigits(number.value)).code || 3;
    const digits = onlyDigits(code.value);
    if (digits.length === 0) return 'Enter the security code.';
    if (digits.length !== expected || digits !== code.value) {
      return `The security code has ${expected} digits.`;
    }
    return '';
  }

  const fields = [
    { input: number, problem: numberProblem, error: document.getElementById('number-error') },
    { input: expiry, problem: expiryProblem, error: document.getElementById('expiry-error') },
    { input: code, problem: codeProblem, error: document.getElementById('cvc-error') },
  ];
  // A field shows its error once the user left it or tried to submit, not while first typing.
  const touched = new Set();

  function show(field) {
    const problem = touched.has(field.input) ? field.problem() : '';
    field.error.textContent = problem;
    field.input.setAttribute('aria-invalid', problem ? 'true' : 'false');
    return problem;
  }

  number.addEventListener('input', () => {
    const digits = onlyDigits(number.value).slice(0, 19);
    const brand = detectBrand(digits);
    number.value = formatNumber(digits, brand);
    brandLabel.textContent = brand.label;
    brandLabel.dataset.brand = brand.brand;
    code.maxLength = brand.code || 3;
    const complete = brand.lengths.includes(digits.length) && digits.length >= Math.max(...brand.lengths);
    if (complete) touched.add(number);
    show(fields[0]);
    if (touched.has(code)) show(fields[2]);
  });

  expiry.addEventListener('input', (event) => {
    let digits = onlyDigits(expiry.value).slice(0, 4);
    // "4" means April: lead with a zero so the user can go on with the year.
    if (digits.length === 1 && digits > '1') digits = '0' + digits;
    const deleting = event.inputType && event.inputType.startsWith('delete');
    expiry.value = digits.length > 2 || (digits.length === 2 && !deleting)
      ? `${digits.slice(0, 2)} / ${digits.slice(2)}` : digits;
    if (digits.length === 4) touched.add(expiry);
    show(fields[1]);
  });

  code.addEventListener('input', () => {
    code.value = onlyDigits(code.value).slice(0, code.maxLength);
    show(fields[2]);
  });

  for (const field of fields) {
    field.input.addEventListener('blur', () => {
      if (field.input.value !== '') touched.add(field.input);
      show(field);
    });
  }

  function post(message) {
    // Never a wildcard: only the origin the gateway checked may receive anything from here.
    window.parent.postMessage(Object.assign({ type: MESSAGE }, message), parentOrigin);
  }

  function problemOf(reply, body) {
    const errors = body && body._embedded && body._embedded.errors;
    if (reply.status === 429) return 'Too many attempts. Wait a moment and try again.';
    if (Array.isArray(errors) && errors.length > 0 && errors[0].message) {
      return errors.map((e) => e.message).join(' ');
    }
    return 'The card could not be saved. Try again.';
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.textContent = '';
    for (const field of fields) touched.add(field.input);
    const problems = fields.map(show).filter((p) => p !== '');
    if (problems.length > 0) {
      fields.find((f) => f.problem() !== '').input.focus();
      return;  // nothing is sent while a field is invalid
    }
    const digits = onlyDigits(number.value);
    const { month, year } = parsedExpiry();
    const brand = detectBrand(digits);
    submit.disabled = true;
    try {
      const reply = await fetch(tokensUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${publishableKey}` },
        body: JSON.stringify({
          type: 'PAYMENT_CARD', number: digits, expiration_month: month,
          expiration_year: year, security_code: onlyDigits(code.value),
        }),
        credentials: 'omit',
        cache: 'no-store',
      });
      let body = null;
      try { body = await reply.json(); } catch (ignored) { body = null; }
      if (!reply.ok || !body || typeof body.id !== 'string') {
        const message = problemOf(reply, body);
        formError.textContent = message;
        post({ event: 'error', status: reply.status, message });
        return;
      }
      // The card data is no longer needed here.
      form.reset();
      brandLabel.textContent = '';
      touched.clear();
      post({
        event: 'token', token: body.id, brand: brand.brand, last_four: digits.slice(-4),
        expiry: { month, year },
      });
    } catch (failure) {
      const message = 'The card could not be sent. Check the connection and try again.';
      formError.textContent = message;
      post({ event: 'error', status: 0, message });
    } finally {
      submit.disabled = false;
    }
  });

  // Without a parent of the allowed origin there is nobody to hand a token to.
  if (window.parent === window) {
    submit.disabled = true;
    formError.textContent = 'These payment fields work only inside the merchant\'s page.';
    return;
  }
  post({ event: 'ready' });
})();
