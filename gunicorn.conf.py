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
