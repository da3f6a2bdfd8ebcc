import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building many small acyclic objects.

    Loading a large organisation makes hundreds of thousands of tuples; each
    batch of allocations would otherwise trigger a collection that walks them
    all again (measured: a quarter of the report's time). Reference counting
    still frees everything; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
