"""Experiments: real PyTorch networks, seeded and deterministic, run at build time.

One module per experiment (:data:`actdocs.experiments.site.EXPERIMENTS`). Each has

* ``run(..., seed=0, device="cpu") -> dict``: pure and deterministic (same arguments,
  same numbers); the dict is what the experiment's JSON holds;
* ``PARTS``: its figures, tables and text fragments, declared once
  (:class:`actdocs.experiments.output.Parts`);
* ``artifacts() -> list[Artifact]``: ``experiment-<name>``
  (:func:`~actdocs.experiments.output.experiment_artifact`), writing
  ``data/experiments/<name>.json``, ``figures/exp-<name>[-<part>]-light.svg`` and
  ``-dark.svg``, ``tables/exp-<name>[-<part>].md`` and ``fragments/exp-<name>-*.md``
  (sentences and image lines whose numbers the page quotes).

What they share lives in one module per job, so that an experiment's cache key depends
only on the helpers it uses:

* :mod:`~actdocs.experiments.output`: paths, the JSON and its header, the artifact;
* :mod:`~actdocs.experiments.seeding`: :func:`deterministic` runs and data draws;
* :mod:`~actdocs.experiments.networks`: MLPs of catalog activations, initialisations,
  the training loop;
* :mod:`~actdocs.experiments.data`: the digits data set and mini-batches
  (:mod:`~actdocs.experiments.mnist` for a local MNIST copy).

Their figures take the house style, many series included, from :mod:`actdocs.render.style`.

:mod:`~actdocs.experiments.site` lists them (:data:`~actdocs.experiments.site.EXPERIMENTS`) and
gathers their artifacts, importing each by name so that its source keys none of them.
"""
