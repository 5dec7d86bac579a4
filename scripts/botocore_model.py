"""What the model generators (gen-json-model.py, gen-rest-json-model.py) share: reading a
service's model from botocore, the shapes some operations reach, and each shape cut down to
what validation and serialization read (no documentation text)."""
import gzip
import json
import os

import botocore

KEEP = ("type", "required", "enum", "min", "max", "pattern", "exception", "fault")


def load(service, version):
    path = os.path.join(os.path.dirname(botocore.__file__), f"data/{service}/{version}/service-2.json.gz")
    with gzip.open(path) as f:
        return json.load(f)


def reachable(model, names):
    """The shapes the named shapes reach, and nothing else."""
    seen = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = model["shapes"][name]
        refs = [m["shape"] for m in shape.get("members", {}).values()]
        for k in ("member", "key", "value"):
            if k in shape:
                refs.append(shape[k]["shape"])
        todo.extend(refs)
    return seen


def operation_roots(ops):
    """The input, output and error shapes of the operations."""
    return [ref["shape"] for op in ops.values() for ref in [op.get("input"), op.get("output"), *op.get("errors", [])] if ref]


def kept_shape(shape):
    out = {k: shape[k] for k in KEEP if k in shape}
    if shape["type"] == "structure":
        out["members"] = {m: spec["shape"] for m, spec in shape.get("members", {}).items()}
    elif shape["type"] == "list":
        out["member"] = shape["member"]["shape"]
    elif shape["type"] == "map":
        out["key"] = shape["key"]["shape"]
        out["value"] = shape["value"]["shape"]
    if shape.get("document"):
        out["document"] = True
    return out


def operation_spec(op):
    return {
        "input": op.get("input", {}).get("shape"),
        "output": op.get("output", {}).get("shape"),
        "errors": [e["shape"] for e in op.get("errors", [])],
    }
