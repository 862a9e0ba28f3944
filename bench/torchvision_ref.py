"""The real torchvision (Debian's python3-torchvision, under /usr/bin/python3) for `npm run bench`.

    /usr/bin/python3 bench/torchvision_ref.py <task> <json-args>

Prints one JSON line: {"ms": ..., "maxRssBytes": ...}. Tasks:
  load     CIFAR10(root, train=True) + CIFAR10(root, train=False), in-process, timed from the
           first constructor call to the end of the second (the files are on disk under
           root/cifar-10-batches-py); then len(ds.data) and ds.targets are touched.
  extract  torchvision.datasets.utils.extract_archive(tgz, fresh temp folder) + the same two
           loads, timed together; the folder is deleted afterwards, outside the timing.
torchvision's own CIFAR10 class, with only its md5 check overridden: `_check_integrity` returns
True and `meta['md5']` is the md5 of the batches.meta on disk (the bench data is not the
official files). Nothing else is changed.
"""
import hashlib
import json
import os
import resource
import shutil
import sys
import tempfile
import time

from torchvision.datasets import CIFAR10
from torchvision.datasets.utils import extract_archive


def dataset_class(root):
    with open(os.path.join(root, "cifar-10-batches-py", "batches.meta"), "rb") as f:
        meta_md5 = hashlib.md5(f.read()).hexdigest()

    class BenchCIFAR10(CIFAR10):
        meta = dict(CIFAR10.meta, md5=meta_md5)

        def _check_integrity(self):
            return True

    return BenchCIFAR10


def load(root):
    cls = dataset_class(root)
    train = cls(root, train=True, download=False)
    test = cls(root, train=False, download=False)
    n = len(train.data) + len(test.data) + len(train.targets) + len(test.targets)
    assert n == 120000, n
    return train, test


def main():
    task = sys.argv[1]
    args = json.loads(sys.argv[2])
    result = {}
    if task == "load":
        t0 = time.perf_counter()
        load(args["root"])
        result["ms"] = (time.perf_counter() - t0) * 1000
    elif task == "extract":
        out = tempfile.mkdtemp(prefix="cifarkit-bench-tv-", dir=args.get("tmp"))
        try:
            t0 = time.perf_counter()
            extract_archive(args["tgz"], out)
            load(out)
            result["ms"] = (time.perf_counter() - t0) * 1000
        finally:
            shutil.rmtree(out, ignore_errors=True)
    else:
        raise SystemExit("unknown task " + task)
    result["maxRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main()
