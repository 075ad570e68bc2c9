/* global Faultline, FAULTLINE_CONFIG */
// The page's own code. Faultline is the script-tag build (window.Faultline).
Faultline.init({
  dsn: FAULTLINE_CONFIG.dsn,
  release: FAULTLINE_CONFIG.release,
  environment: FAULTLINE_CONFIG.environment,
});
Faultline.setUser({ id: 'shopper-42' });

const log = (text) => {
  document.getElementById('log').textContent += `${text}\n`;
};

function cartTotal(cart) {
  // The cart has no `lines` yet: a real bug, caught with this line.
  return cart.lines.reduce((sum, line) => sum + line.price, 0);
}

document.getElementById('throw').addEventListener('click', () => {
  log(`total: ${cartTotal({ items: [] })}`);
});

document.getElementById('reject').addEventListener('click', () => {
  // Nobody awaits this promise: an unhandled rejection.
  Promise.resolve('SUMMER').then((code) => {
    throw new Error(`coupon ${code} has expired`);
  });
});

document.getElementById('checkout').addEventListener('click', async () => {
  const res = await fetch('/api/checkout', { method: 'POST' });
  log(`checkout answered ${res.status}`);
});

document.getElementById('missing').addEventListener('click', async () => {
  const res = await fetch('/api/orders/123/tracking');
  log(`tracking answered ${res.status}`);
});
