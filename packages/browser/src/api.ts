// The top-level API is core's: it works on the client `init` started (or none) and is a cheap
// no-op before `init`, after `close` and when the SDK is off. In the browser `withScope` keeps
// its copy current while its callback runs (synchronously): there is no async context to follow.
export {
  addBreadcrumb,
  captureEvent,
  captureException,
  captureMessage,
  flush,
  lastEventId,
  setContext,
  setExtra,
  setTag,
  setTags,
  setUser,
  withScope,
} from '@faultline/core/front';
