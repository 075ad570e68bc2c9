# A tiny stand-in for the OpenWhisk Python runtime's action-loop launcher, written for these
# tests from its documented protocol: one JSON object per line on stdin, whose keys other than
# "value" become __OW_<KEY> environment variables; main(value) is called; an exception prints
# its traceback to stderr and answers {"error": str(exception)}; the result goes back as one
# JSON line on file descriptor 3, after stdout and stderr are flushed.
# Usage: python3 action-loop-launcher.py <action folder>/__main__.py [main]
import importlib.util
import json
import os
import sys
import traceback

path = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
spec = importlib.util.spec_from_file_location("main__", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
main = getattr(module, sys.argv[2] if len(sys.argv) > 2 else "main")

out = os.fdopen(3, "wb")
for line in sys.stdin:
    args = json.loads(line)
    value = args.pop("value", None) or {}
    for key, item in args.items():
        os.environ["__OW_" + key.upper()] = str(item)
    try:
        result = main(value)
    except Exception as error:
        print(traceback.format_exc(), file=sys.stderr)
        result = {"error": str(error)}
    sys.stdout.flush()
    sys.stderr.flush()
    out.write(json.dumps(result, ensure_ascii=False).encode("utf-8") + b"\n")
    out.flush()
