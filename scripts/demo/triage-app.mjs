// The triage scenarios' app: a shop that reports through @faultline/node (built) to FAULTLINE_DSN.
// `POST /checkout` is named critical; 60 users fail to check out, a dependency throws once, and
// search errors jump from a trickle to a burst.
import { captureException, flush, init, withScope } from '@faultline/node';
import { Cron } from 'croner';

init({ critical: ['POST /checkout'], captureUnhandled: false, transportOptions: { maxQueueSize: 200 } });

function chargeCard() {
  throw new Error('payment gateway timed out');
}

function searchProducts() {
  throw new RangeError('search index unavailable');
}

/** Reports what `fn` throws as `user` on `route`, in a request of its own (its own macrotask). */
async function as(route, user, fn) {
  await new Promise((resolve) => setImmediate(resolve));
  withScope((scope) => {
    scope.setTransaction(route);
    scope.setUser({ id: user });
    try {
      fn();
    } catch (error) {
      captureException(error);
    }
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pauseMs = Number(process.argv[2] ?? 2200);

// A trickle of search errors: the route's baseline.
for (let u = 1; u <= 3; u++) await as('GET /search', `shopper-${u}`, searchProducts);
await flush(5000);
await sleep(pauseMs);

for (let u = 1; u <= 60; u++) await as('POST /checkout', `buyer-${u}`, chargeCard);
// A third-party failure: croner rejects the schedule inside its own code.
await as('POST /reminders', 'buyer-1', () => new Cron('every tuesday'));
for (let u = 1; u <= 15; u++) await as('GET /search', `shopper-${u}`, searchProducts);
process.exitCode = (await flush(10_000)) ? 0 : 3;
