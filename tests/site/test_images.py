"""Image sizes and phone variants written into built pages (actdocs.site.images)."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

import pytest

from actdocs import paths
from actdocs.site import images
from actdocs.site.images import PHONE_MEDIA, png_size, size_images, svg_size


def _svg(width: str, height: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
        f'<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="{width}" height="{height}" '
        'viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg" version="1.1"><g/></svg>\n'
    ).encode()


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [("432pt", "259.2pt", (576, 346)), ("300", "150", (300, 150)), ("200px", "1in", (200, 96)), ("2.54cm", "10mm", (96, 38))],
)
def test_svg_size_reads_the_root_length_in_css_px(width: str, height: str, expected: tuple[int, int]):
    assert svg_size(_svg(width, height)) == expected


def test_svg_size_is_unknown_without_absolute_lengths():
    assert svg_size(_svg("100%", "50pt")) is None
    assert svg_size(b'<svg viewBox="0 0 1 1"></svg>') is None
    assert svg_size(b"not an svg") is None


def test_png_size_reads_the_header():
    assert png_size(_png(7, 3)) == (7, 3)
    assert png_size(b"GIF89a" + b"\x00" * 30) is None


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    figures = tmp_path / "figures"
    figures.mkdir()
    for theme in ("light", "dark"):
        (figures / f"relu-{theme}.svg").write_bytes(_svg("432pt", "259.2pt"))
        (figures / f"overview-{theme}.svg").write_bytes(_svg("540pt", "720pt"))
        (figures / f"overview-phone-{theme}.svg").write_bytes(_svg("273.6pt", "968.4pt"))
    return tmp_path


def test_generated_figures_get_their_svg_size(cache: Path):
    page = '<p><img alt="ReLU" loading="lazy" src="../generated/figures/relu-light.svg#only-light" /></p>'
    out = size_images(page, "relu/", cache)
    assert out == '<p><img alt="ReLU" loading="lazy" src="../generated/figures/relu-light.svg#only-light" width="576" height="346" /></p>'
    # The home page links without "../"; a page two levels deep with "../../".
    assert 'width="576"' in size_images('<img alt="a" src="generated/figures/relu-dark.svg">', "", cache)
    assert 'width="576"' in size_images('<img alt="a" src="../../generated/figures/relu-dark.svg">', "exercises/ex1/", cache)


def test_images_already_sized_or_unknown_are_left_alone(cache: Path):
    page = (
        '<img alt="a" src="../generated/figures/relu-light.svg" width="10" height="5">'
        '<img alt="b" src="../generated/figures/missing-light.svg">'
        '<img alt="c" src="https://example.invalid/x.svg">'
        '<img alt="d" src="../assets/logo.svg">'
    )
    assert size_images(page, "relu/", cache) == page


def test_inlined_png_gets_its_pixel_size(cache: Path):
    url = "data:image/png;base64," + base64.b64encode(_png(640, 232)).decode()
    out = size_images(f'<img alt="plot" src="{url}">', "exercises/ex1/", cache)
    assert out.endswith(' width="640" height="232">')


def test_figure_with_a_phone_variant_is_served_in_a_picture(cache: Path):
    page = '<img alt="All" loading="lazy" src="../generated/figures/overview-dark.svg#only-dark">'
    out = size_images(page, "activations/", cache)
    source = f'<source media="{PHONE_MEDIA}" srcset="../generated/figures/overview-phone-dark.svg" width="365" height="1291">'
    assert out == (
        f"<picture>{source}"
        '<img alt="All" loading="lazy" src="../generated/figures/overview-dark.svg#only-dark" width="720" height="960">'
        "</picture>"
    )
    # A figure without a phone variant stays a plain <img>.
    assert not size_images('<img alt="r" src="../generated/figures/relu-dark.svg">', "relu/", cache).startswith("<picture>")


def test_phone_suffix_matches_the_figure_names():
    """The convention actdocs.produce.figures writes the phone overview by."""
    from actdocs.produce import figures

    assert paths.activation_figure("overview" + images.PHONE, "light") == "figures/overview-phone-light.svg"
    assert "figure-overview" + images.PHONE in [a.name for a in figures.artifacts()]
