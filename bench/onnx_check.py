#!/usr/bin/env python3
"""Check an emotion-edge ONNX model with the reference ONNX tools.

1. `onnx.checker.check_model(model, full_check=True)` (structure, types, shape inference).
2. Load it in onnxruntime (CPU, one thread) and, given the JSON that
   `emotion-edge export|combine|quantize --tract-outputs FILE` writes, compare onnxruntime's
   outputs with tract's on the same inputs.
3. Report latency: batch 1, one thread, median of --runs runs (at least 50).

Exit status 0 when every check passes, 1 when a check fails, 2 on bad usage.
"""

import argparse
import json
import statistics
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort

INT8_OPS = {"QLinearConv", "QLinearMatMul"}

# Agreement demanded between onnxruntime and tract: |ort - tract| <= atol + rtol * |tract|.
# Float graphs must agree to rounding. int8 graphs may differ by a quantisation step where the
# two runtimes round a requantised value differently.
TOLERANCES = {"float32": (1e-4, 1e-4), "int8": (2e-2, 2e-2)}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="the .onnx file")
    parser.add_argument("--tract-outputs", help="JSON of tract outputs to compare against")
    parser.add_argument("--runs", type=int, default=100, help="timed runs (at least 50)")
    parser.add_argument("--json", help="also write the report to this JSON file")
    args = parser.parse_args()
    if args.runs < 50:
        parser.error("--runs must be at least 50")
    return args


def model_format(model):
    ops = {node.op_type for node in model.graph.node}
    return "int8" if ops & INT8_OPS else "float32"


def check_structure(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None)
    return model, opset


def session(path):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def compare(sess, reference, fmt):
    atol, rtol = TOLERANCES[fmt]
    shape = reference["input_shape"]
    results = []
    for case in reference["cases"]:
        feed = {reference["input"]: np.asarray(case["input"], np.float32).reshape(shape)}
        names = [output["name"] for output in case["outputs"]]
        actual = dict(zip(names, sess.run(names, feed)))
        for output in case["outputs"]:
            expected = np.asarray(output["values"], np.float32).reshape(output["shape"])
            got = actual[output["name"]]
            diff = float(np.max(np.abs(got - expected)))
            allowed = float(np.max(atol + rtol * np.abs(expected)))
            same_argmax = int(np.argmax(got)) == int(np.argmax(expected))
            results.append({
                "case": case["name"],
                "output": output["name"],
                "max_abs_diff": diff,
                "allowed": allowed,
                "same_argmax": same_argmax,
                "ok": diff <= allowed and list(got.shape) == output["shape"],
            })
    return results


def latency_ms(sess, runs):
    meta = sess.get_inputs()[0]
    shape = [dim if isinstance(dim, int) else 1 for dim in meta.shape]
    feed = {meta.name: np.full(shape, 0.5, np.float32)}
    for _ in range(5):
        sess.run(None, feed)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sess.run(None, feed)
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    return {
        "median": statistics.median(times),
        "p90": times[int(0.9 * (len(times) - 1))],
        "runs": runs,
    }


def main():
    args = parse_args()
    report = {"model": args.model, "versions": {
        "onnx": onnx.__version__, "onnxruntime": ort.__version__, "numpy": np.__version__}}
    ok = True

    try:
        model, opset = check_structure(args.model)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as error:
        print(f"{args.model}: onnx.checker failed: {error}")
        return 1
    fmt = model_format(model)
    report.update({"checker": "ok", "opset": opset, "format": fmt})
    print(f"{args.model}: onnx.checker full_check ok (opset {opset}, {fmt})")

    sess = session(args.model)
    if args.tract_outputs:
        with open(args.tract_outputs, encoding="utf-8") as file:
            reference = json.load(file)
        results = compare(sess, reference, fmt)
        report["comparison"] = results
        for row in results:
            flag = "ok" if row["ok"] else "MISMATCH"
            print(f"  {row['case']:>10} {row['output']:>10}: max |ort - tract| "
                  f"{row['max_abs_diff']:.3g} (allowed {row['allowed']:.3g}), "
                  f"same argmax {row['same_argmax']} {flag}")
        ok = all(row["ok"] for row in results)

    report["latency_ms"] = latency_ms(sess, args.runs)
    lat = report["latency_ms"]
    print(f"  onnxruntime latency, batch 1, 1 thread: median {lat['median']:.3f} ms, "
          f"p90 {lat['p90']:.3f} ms over {lat['runs']} runs")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as file:
            json.dump(report, file, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
