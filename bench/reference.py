#!/usr/bin/env python3
"""The Python side of `npm run bench`: one measurement per process (spawned by bench/run.mjs).

    python3 bench/reference.py <task> <json-args>

Prints one JSON line: {"ms": ..., "maxRssBytes": ...}. Interpreter start-up and `import numpy`
are not timed. run.mjs starts it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset.

Tasks:
  import     torchvision's CIFAR loader (torchvision/datasets/cifar.py): pickle.load(f,
             encoding='latin1') per batch, np.vstack, reshape(-1, 3, 32, 32), transpose(0, 2, 3,
             1), made contiguous (HWC uint8) - over all six batches.
  export     the same arrays written back as CIFAR pickles: HWC -> CHW (N, 3072) uint8
             (timed), pickle.dump({'batch_label', 'labels', 'data', 'filenames'}, protocol=4)
             per subset + batches.meta, to a temporary folder.
  datumaro   torchvision's loader on one Datumaro-written batch (an object array of ints), plus
             .astype(np.uint8) so that the result is the same HWC uint8 array cifarkit gives.
"""

import json
import os
import pickle
import resource
import shutil
import sys
import tempfile
import time

import numpy as np


def load_hwc(paths):
    data, targets, names = [], [], []
    for path in paths:
        with open(path, "rb") as f:
            entry = pickle.load(f, encoding="latin1")
            data.append(entry["data"])
            targets.extend(entry["labels"] if "labels" in entry else entry["fine_labels"])
            names.append(entry["filenames"])
    hwc = np.vstack(data).reshape(-1, 3, 32, 32)
    hwc = np.ascontiguousarray(hwc.transpose((0, 2, 3, 1)))
    return hwc, targets, names


def main():
    task = sys.argv[1]
    args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    result = {}
    if task == "idle":
        pass
    elif task == "import":
        t0 = time.perf_counter()
        hwc, targets, _ = load_hwc([os.path.join(args["dir"], s) for s in args["subsets"]])
        result["ms"] = (time.perf_counter() - t0) * 1000
        assert hwc.shape == (args["expect"], 32, 32, 3) and hwc.dtype == np.uint8, hwc.shape
    elif task == "export":
        subsets = args["subsets"]
        loaded = [load_hwc([os.path.join(args["dir"], s)]) for s in subsets]
        with open(os.path.join(args["dir"], "batches.meta"), "rb") as f:
            label_names = pickle.load(f, encoding="latin1")["label_names"]
        out = tempfile.mkdtemp(prefix="cifarkit-bench-py-")
        try:
            t0 = time.perf_counter()
            with open(os.path.join(out, "batches.meta"), "wb") as f:
                pickle.dump({"label_names": label_names}, f, protocol=4)
            for name, (hwc, targets, names) in zip(subsets, loaded):
                chw = np.ascontiguousarray(hwc.transpose((0, 3, 1, 2))).reshape(len(hwc), -1)
                d = {"batch_label": "benchmark", "labels": targets, "data": chw,
                     "filenames": names[0]}
                with open(os.path.join(out, name), "wb") as f:
                    pickle.dump(d, f, protocol=4)
            result["ms"] = (time.perf_counter() - t0) * 1000
        finally:
            shutil.rmtree(out, ignore_errors=True)
    elif task == "datumaro":
        t0 = time.perf_counter()
        hwc, _, _ = load_hwc([args["file"]])
        hwc = hwc.astype(np.uint8)
        result["ms"] = (time.perf_counter() - t0) * 1000
        assert hwc.shape == (args["expect"], 32, 32, 3), hwc.shape
    else:
        raise SystemExit("unknown task %s" % task)
    result["maxRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main()
