"""Batch work (imports, batch posting) allocates hundreds of thousands of short-lived objects.
Each full garbage collection walks every object the process holds — Django's models, the URL
conf, a loaded chart — although none of those will be freed during the batch. Freezing the heap
as it is when the batch starts moves those objects out of the collector's view, and unfreezing
at the end puts them back; the batch's own objects are collected as usual. Measured on the
voucher import: about a fifth of its CPU time was such collections (docs/performance.md)."""

import gc
from contextlib import contextmanager

_depth = 0
_DEFAULT_THRESHOLDS = gc.get_threshold()
# Fewer young collections during a batch: its objects are mostly freed by reference counting.
_BATCH_THRESHOLDS = (20_000, 10, 10)


@contextmanager
def long_lived_frozen():
    """Reentrant: only the outermost use freezes and unfreezes."""
    global _depth
    if _depth == 0:
        gc.freeze()
        gc.set_threshold(*_BATCH_THRESHOLDS)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            gc.set_threshold(*_DEFAULT_THRESHOLDS)
            gc.unfreeze()
