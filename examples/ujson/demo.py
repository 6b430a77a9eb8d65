"""Uses ujson_hpy as a drop-in `ujson`: run by scripts/demo.sh with HPY=universal and HPY=debug."""

import ujson_hpy as ujson

doc = {"name": "ujson_hpy", "tags": ["fast", "portable", "é"], "big": 2**70, "pi": 3.141592653589793}
text = ujson.dumps(doc, sort_keys=True)
print(text)
assert ujson.loads(text) == doc
print(ujson.dumps(doc, indent=2, ensure_ascii=False))
try:
    ujson.loads('{"unterminated": [1, 2')
except ujson.JSONDecodeError as e:
    print("JSONDecodeError:", e)
