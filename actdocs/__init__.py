"""actdocs: the activation-functions reference, generated and checked by code.

The package holds the catalog of activations (:mod:`actdocs.catalog`), the code that
measures their properties, draws their figures, renders their tables and runs the
listings, and the cached build that writes all of it for the MkDocs site.
"""

__version__ = "0.1.0"
