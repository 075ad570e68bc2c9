"""An OpenWhisk Python action (kind python:3.11) reporting to Faultline through sentry_sdk.

Deploy: zip this folder with sentry_sdk vendored into it (or use a virtualenv folder), then
    wsk action create thumbnails-py action.zip --kind python:3.11 --param FAULTLINE_DSN https://key@host/1
"""
import time

from faultline_openwhisk import wrap_action


def resize(params):
    mode = params.get("mode", "ok")
    if mode == "raise":
        image = params.get("image", {})
        raise ValueError("cannot resize %s: width %s is not a number" % (image.get("url"), image.get("width")))
    if mode == "quota":
        return {"error": "thumbnail quota exceeded for %s" % params.get("tenant", "demo")}
    if mode == "slow":
        time.sleep(params.get("workMs", 0) / 1000.0)
        return {"slept": params.get("workMs", 0)}
    return {"thumbnail": "thumb-%s" % params.get("image", {}).get("url", "none")}


main = wrap_action(resize)
