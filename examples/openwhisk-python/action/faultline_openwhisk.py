"""Faultline for OpenWhisk Python actions, with the official Sentry SDK (sentry_sdk).

Gives an action the same tags as @faultline/openwhisk's wrapAction: the activation id, action,
namespace and transaction id from the __OW_* variables the runtime sets before each call, a
warning shortly before the deadline, and a flush before the result goes back to the invoker.

    from faultline_openwhisk import wrap_action
    main = wrap_action(resize)
"""
import os
import threading
import time

import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import HttpTransport

# Printed to the activation log when events were flushed; the activation monitor skips
# activations that carry it, as it does for wrapAction.
MARKER = "faultline-openwhisk: reported"
_state = {"started": False, "cold": True}


class _EnvelopeTransport(HttpTransport):
    """sentry_sdk 1.x posts events to the older /store/ endpoint: send them as envelopes."""

    def capture_event(self, event):
        envelope = Envelope(headers={"event_id": event.get("event_id")})
        envelope.add_event(event)
        self.capture_envelope(envelope)


def _start(params):
    if _state["started"]:
        return
    _state["started"] = True
    dsn = params.get("FAULTLINE_DSN") or os.environ.get("FAULTLINE_DSN") or os.environ.get("SENTRY_DSN")
    if not dsn:
        return
    extra = {"transport": _EnvelopeTransport} if sentry_sdk.VERSION.startswith("1.") else {}
    # No default integrations: their exit hook would print after the end of the activation.
    sentry_sdk.init(dsn=dsn, default_integrations=False, **extra)


def _activation(cold):
    env = os.environ
    info = {key: env.get("__OW_" + key.upper()) for key in ("activation_id", "action_name", "namespace", "transaction_id")}
    try:
        info["deadline"] = int(env.get("__OW_DEADLINE", ""))
    except ValueError:
        info["deadline"] = None
    info["cold_start"] = cold
    return info


def _decorate(scope, info):
    for key, tag in (("activation_id", "activation_id"), ("action_name", "action"), ("namespace", "namespace"), ("transaction_id", "transaction_id")):
        if info.get(key):
            scope.set_tag("openwhisk." + tag, info[key])
    scope.set_tag("openwhisk.cold_start", "true" if info["cold_start"] else "false")
    scope.set_tag("openwhisk.runtime", "python")
    now = int(time.time() * 1000)
    context = {k: v for k, v in info.items() if v is not None and k != "deadline"}
    if info["deadline"]:
        context["remaining_ms"] = info["deadline"] - now
    scope.set_context("openwhisk", context)
    if info.get("action_name"):
        scope.set_transaction_name(info["action_name"])


def _flush_bound(info, max_ms):
    """Seconds the flush may take: max_ms, cut to 50 ms before the deadline."""
    bound = max_ms
    if info["deadline"]:
        bound = min(bound, info["deadline"] - int(time.time() * 1000) - 50)
    return max(bound, 0) / 1000.0


def wrap_action(main, warning_ms=500, flush_ms=2000):
    """Wraps an action's main(params): errors are captured and flushed, then raised as before."""

    def wrapped(params):
        _start(params)
        info = _activation(_state["cold"])  # read now: the next activation rewrites __OW_*
        _state["cold"] = False
        if sentry_sdk.Hub.current.client is None:
            return main(params)
        reported = []

        def warn():
            with sentry_sdk.push_scope() as scope:
                _decorate(scope, info)
                scope.set_tag("timeout", "warning")
                elapsed = int(time.time() * 1000) - start
                reported.append(sentry_sdk.capture_message(
                    "Possible action timeout: %s has run for %d ms" % (info.get("action_name"), elapsed), level="warning"))
            sentry_sdk.flush(timeout=_flush_bound(info, flush_ms))

        start = int(time.time() * 1000)
        timer = None
        if info["deadline"] and info["deadline"] - start > warning_ms:
            timer = threading.Timer((info["deadline"] - start - warning_ms) / 1000.0, warn)
            timer.daemon = True
            timer.start()
        try:
            with sentry_sdk.push_scope() as scope:
                _decorate(scope, info)
                try:
                    result = main(params)
                except Exception as error:
                    reported.append(sentry_sdk.capture_exception(error))
                    raise
                if isinstance(result, dict) and result.get("error"):
                    reported.append(sentry_sdk.capture_message("Action returned an error: %s" % (result["error"],), level="error"))
                return result
        finally:
            if timer:
                timer.cancel()
            if reported:
                sentry_sdk.flush(timeout=_flush_bound(info, flush_ms))
                print("%s %s" % (MARKER, " ".join(r for r in reported if r)), flush=True)

    return wrapped
