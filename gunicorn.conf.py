"""gunicorn settings read from the directory it starts in (``gunicorn 'groupes:create_app()'``).

Once a worker has loaded the application, everything made so far (modules, mappers,
templates, compiled queries) is moved out of the garbage collector's sight: the
collections that every page's objects trigger then no longer walk those hundreds of
thousands of objects each time. benchmarks/load.sh measured it at a few milliseconds of
CPU per page (about a tenth).
"""

import gc


def post_worker_init(worker):
    gc.collect()
    gc.freeze()


# The meeting room's long-polls (groupes/minutes/live_views.py) wait up to 20 s for the
# others' typing: threads serve them, so that a few open rooms never hold every worker.
# Each waiting long-poll holds a thread (and, on PostgreSQL, a LISTEN connection of its
# own), not a database connection from the pool.
worker_class = "gthread"
threads = 16
# A long-poll answers within 20 s; the default 30 s timeout stays above it.
