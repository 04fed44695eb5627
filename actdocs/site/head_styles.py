"""Style sheets that a plugin writes into a page's body, moved to the end of its head.

mkdocs-quiz puts its whole style sheet (about 470 lines) after the quizzes, and
mkdocs-jupyter puts a notebook's styles inside the page. A browser applies a ``<style>``
only once its parser reaches it, so on a phone the elements above it are first laid out
unstyled and then move (on /quiz/ a layout shift of 0.105, over the 0.05 budget). In the
head, the rules apply from the first layout; their order among the page's style sheets
is kept (after every ``<link>`` and ``<style>`` of the head, in body order).
"""

from __future__ import annotations

import re

#: A ``<style>`` element, whatever its attributes.
_STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.S | re.I)


def hoist_body_styles(html: str) -> str:
    """``html`` with every ``<style>`` element of its body moved to the end of its head;
    a page without a head, or with no style in its body, is returned unchanged."""
    head_end = html.find("</head>")
    if head_end < 0:
        return html
    body = html[head_end:]
    styles = _STYLE.findall(body)
    if not styles:
        return html
    return html[:head_end] + "".join(styles) + _STYLE.sub("", body)
