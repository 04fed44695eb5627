"""Reading back the numbers the site writes (a test helper shared by the render and produce tests)."""

import re

from actdocs.render.numbers import MINUS


def read_back(text: str) -> float:
    """A number as :func:`numbers.format_sig` writes it, read back as a float."""
    text = text.replace(MINUS, "-")
    m = re.fullmatch(r"(-?[\d.]+) × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text)
    if m:
        exponent = m.group(2).translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
        return float(m.group(1)) * 10 ** int(exponent)
    return float(text)
