"""The ``<!-- md:listing NAME -->`` shortcode: a listing and what it printed, named once.

A page writes the shortcode alone on its line (indented like the block it sits in, in
a tab or an admonition), followed, where the listing has ``# (1)!`` annotations, by
their numbered list::

    <!-- md:listing relu_definition -->

    1.  What the first annotated line does.

and gets the house style of a listing: the code of ``snippets/NAME.py`` in a ``python``
fence, then the annotation list (Material attaches a list to the code block it
follows), then what the build captured when it ran the listing
(:func:`actdocs.paths.listing_output`) in a ``text`` fence titled "Output". Both are
``--8<--`` includes, so ``pymdownx.snippets`` resolves them as any other: section
markers are dropped, a missing output fails the build.

A ``NAME`` with no ``snippets/NAME.py`` fails the build with one line naming the page
and the listing. Shortcodes inside fenced code are left alone, as every shortcode is.
"""

from __future__ import annotations

import re
from typing import Callable

from actdocs import paths
from actdocs.render import shortcodes

#: The shortcode alone on its line: its indent and its argument.
LISTING = re.compile(r"^(?P<indent>[ \t]*)<!--\s*md:listing\b(?P<args>.*?)-->[ \t]*$")
_NAME = re.compile(r"[\w-]+")
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
_ITEM = re.compile(r"\d+\.[ \t]")


def listing_markdown(name: str, indent: str, notes: list[str]) -> list[str]:
    """The lines of listing ``name``: code, the annotation lines ``notes``, output; indented by ``indent``."""
    code = [f"{indent}```python", f'{indent}--8<-- "{paths.listing_source(name)}"', f"{indent}```", ""]
    output = [f'{indent}```text title="Output"', f'{indent}--8<-- "{paths.listing_output(name)}"', f"{indent}```"]
    return code + (notes + [""] if notes else []) + output


def _closes(line: str, fence: str) -> bool:
    """Whether ``line`` closes a block opened by ``fence``: as long a run of its character, alone."""
    bare = line.strip()
    return bare.startswith(fence) and set(bare) == {fence[0]}


def _notes_end(lines: list[str], start: int, indent: str) -> int:
    """Where the numbered list opening at ``lines[start]`` ends: before the first blank
    line that a line at most as indented as ``indent``, and no list item, follows."""
    end = start + 1
    while end < len(lines):
        if lines[end].strip():
            end += 1
            continue
        following = next((line for line in lines[end:] if line.strip()), None)
        if following is None:
            return end
        deeper = following.startswith(indent) and following[len(indent):len(indent) + 1] in (" ", "\t")
        item = following.startswith(indent) and _ITEM.match(following[len(indent):])
        if not (deeper or item):
            return end
        end += 1
    return end


def _in_code(lines: list[str]) -> set[int]:
    """The indices of ``lines`` inside fenced code, the fences included."""
    code: set[int] = set()
    fence = ""
    for i, line in enumerate(lines):
        opened = None if fence else _FENCE.match(line)
        if fence or opened:
            code.add(i)
            fence = opened["fence"] if opened else ("" if _closes(line, fence) else fence)
    return code


def shown(lines: list[str]) -> list[tuple[int, str]]:
    """``(line index, NAME)`` of every ``md:listing`` of a page outside fenced code."""
    code = _in_code(lines)
    return [(i, found["args"].strip()) for i, line in enumerate(lines)
            if i not in code and (found := LISTING.match(line))]


def expand(lines: list[str], page: str, exists: Callable[[str], bool]) -> list[str]:
    """``lines`` of page ``page`` with every ``md:listing`` outside fenced code expanded;
    ``exists(path)`` says whether an include path (``snippets/NAME.py``) can be included."""
    out: list[str] = []
    done = 0
    for at, name in shown(lines):
        if at < done:  # in the notes of the listing before
            continue
        if not _NAME.fullmatch(name):
            raise shortcodes.ShortcodeError(
                f"{shortcodes.page_name(page)}: md:listing takes one listing name, got {name!r}")
        if not exists(paths.listing_source(name)):
            raise shortcodes.ShortcodeError(
                f"{shortcodes.page_name(page)}: md:listing {name}: no such listing ({paths.listing_source(name)})")
        indent = LISTING.match(lines[at])["indent"]
        out += lines[done:at]
        done = at + 1
        start = next((j for j in range(done, len(lines)) if lines[j].strip()), len(lines))
        notes: list[str] = []
        if start < len(lines) and lines[start].startswith(indent) and _ITEM.match(lines[start][len(indent):]):
            done = _notes_end(lines, start, indent)
            notes = lines[start:done]
        out += listing_markdown(name, indent, notes)
    return out + lines[done:]


def _inline(args: str, page: str) -> str:
    """``md:listing`` inside a line of text: an error, since a listing is a block of its own."""
    raise shortcodes.ShortcodeError(f"md:listing {args.strip()} must stand alone on its line")


shortcodes.register("listing", _inline)
