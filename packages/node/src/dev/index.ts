// @faultline/node/dev-receiver: a local receiver that shows what an SDK sends while you develop.
export { type Arrival, createArrivalTracker } from './arrivals.js';
export { type DevReceiver, type DevReceiverOptions, startDevReceiver } from './dev-receiver.js';
export { arrivalJson, formatArrival } from './format.js';
