"""``actdocs bench``: every activation timed against a measured memory ceiling.

The package, one job per module:

* :mod:`~actdocs.bench.schema`: the JSON document's vocabulary, names and kept runs;
* :mod:`~actdocs.bench.kernels`: the calls timed (as called, preallocated from each catalog
  record's ``kernels`` spec, compiled) and the streaming kernels of the ceiling;
* :mod:`~actdocs.bench.timing`: timing a block of calls on a CPU or a GPU;
* :mod:`~actdocs.bench.gate`: the load gate (other processes on our cores);
* :mod:`~actdocs.bench.runner`: the configuration and the interleaved, shuffled passes;
* :mod:`~actdocs.bench.stats`: medians, bootstrap intervals, per-pass ratios, flags;
* :mod:`~actdocs.bench.assemble`: measured passes -> the document;
* :mod:`~actdocs.bench.validate` and :mod:`~actdocs.bench.load`: checking and reading one;
* :mod:`~actdocs.bench.render`, :mod:`~actdocs.bench.charts`, :mod:`~actdocs.bench.method`:
  tables, charts and the method's findings; :mod:`~actdocs.bench.site`: the build's artifacts;
* :mod:`~actdocs.bench.compare`: ``--compare``; :mod:`~actdocs.bench.cli`: the options and ``main``.

None of these modules imports torch at import time, so the command line stays fast to
start; this file imports nothing, so that importing one module never pulls in its siblings.
"""
