// PaymentFields: the merchant's side of the hosted fields. Include it from the gateway,
//   <script src="https://VAULT/hosted-fields/v1/payment-fields.js"></script>
// and mount the card form into an element of your page:
//   const fields = PaymentFields.mount('#card', {
//     publishableKey: 'PK..._...',
//     onToken({ token, brand, last_four, expiry }) { /* send token to your server */ },
//     onError({ message, status }) { ... },
//     onReady() { ... },   // optional
//   });
//   fields.unmount();      // removes the iframe and the listener
// The card data stays in the iframe (the gateway's origin). This script accepts a message only
// when it comes from the gateway's origin and from its own iframe's window; the iframe posts only
// to this page's origin, which must be one of the application's allowed origins
// (pi-server set-allowed-origins). No dependencies, no build step.
(function (global) {
  'use strict';
  const MESSAGE = 'pi-hosted-fields';
  // Where this script was loaded from is where the card page lives.
  const script = document.currentScript;
  const base = new URL('.', script ? script.src : global.location.href);
  const gatewayOrigin = base.origin;

  function mount(target, options) {
    const container = typeof target === 'string' ? document.querySelector(target) : target;
    if (!container) throw new Error(`PaymentFields.mount: no element ${target}`);
    const opts = options || {};
    if (typeof opts.publishableKey !== 'string' || opts.publishableKey === '') {
      throw new Error('PaymentFields.mount: publishableKey is required');
    }
    if (typeof opts.onToken !== 'function') {
      throw new Error('PaymentFields.mount: onToken is required');
    }
    const url = new URL('card', base);
    url.searchParams.set('key', opts.publishableKey);
    url.searchParams.set('origin', global.location.origin);
    const frame = document.createElement('iframe');
    frame.src = url.href;
    frame.title = 'Card details';
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.style.border = '0';
    frame.style.width = '100%';
    frame.style.height = opts.height || '230px';

    function onMessage(event) {
      // Anything else, another window or another origin, is not ours to believe.
      if (event.origin !== gatewayOrigin || event.source !== frame.contentWindow) return;
      const data = event.data;
      if (!data || data.type !== MESSAGE) return;
      if (data.event === 'ready') {
        if (typeof opts.onReady === 'function') opts.onReady();
      } else if (data.event === 'token' && typeof data.token === 'string') {
        opts.onToken({ token: data.token, brand: data.brand, last_four: data.last_four,
                       expiry: data.expiry });
      } else if (data.event === 'error') {
        if (typeof opts.onError === 'function') {
          opts.onError({ message: String(data.message || ''), status: data.status });
        }
      }
    }

    global.addEventListener('message', onMessage);
    container.appendChild(frame);
    return {
      frame,
      unmount() {
        global.removeEventListener('message', onMessage);
        frame.remove();
      },
    };
  }

  global.PaymentFields = Object.freeze({ mount });
})(window);
