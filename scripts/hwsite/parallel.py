"""Running a checker's per-file work in worker processes: on the 2-core machines the
project runs on, two processes check the 2x2,000 generated pages in a little more than
half the time of one. Small inputs stay in one process (forking costs a few ms)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence

# Below this many items, starting workers costs more than it saves.
MIN_ITEMS = 200


def default_jobs() -> int:
    """One process per CPU this process may use, at most 2: measured on 4,000 pages, a
    third process on a 2-core machine only adds switching."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(2, cpus))


# The function a worker process applies, set once when it starts. Through fork it is the
# parent's own object (a closure over the trees and settings), never pickled.
_worker_function: Callable | None = None


def _start_worker(function: Callable) -> None:
    global _worker_function
    _worker_function = function


def _apply(chunk: Sequence):
    return _worker_function(chunk)


def map_chunks_in_processes(function: Callable, items: Sequence, jobs: int) -> list:
    """[function(chunk) for chunk in chunks of items], the chunks handled in `jobs` forked
    worker processes when there are enough items (and fork exists); in one process, one
    chunk of all the items. function must not raise: return errors as values. Results come
    back in the order of the chunks."""
    if jobs <= 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return [function(items)]
    size = -(-len(items) // (jobs * 4))  # a few chunks per worker, so both finish together
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    with multiprocessing.get_context("fork").Pool(jobs, _start_worker, (function,)) as pool:
        return pool.map(_apply, chunks)


def map_in_processes(function: Callable, items: Sequence, jobs: int) -> list:
    """[function(item) for item in items], in `jobs` forked worker processes when there
    are enough items (and fork exists). function must not raise: return errors as values.
    Results come back in the order of items, so output is the same as in one process."""
    parts = map_chunks_in_processes(lambda chunk: [function(item) for item in chunk], items, jobs)
    return [result for part in parts for result in part]
