"""The site glue: the Python-Markdown extensions that expand a page's shortcodes, build-time
math and image sizes, and the thin MkDocs hook."""
