"""Style sheets written into a page's body move to its head (actdocs.site.head_styles)."""

from __future__ import annotations

from actdocs.site.head_styles import hoist_body_styles

PAGE = ('<html><head><link rel="stylesheet" href="a.css"><style>.head{}</style></head>'
        '<body><p>text</p><style type="text/css">.quiz {\n color: red;\n}</style><div class="quiz"></div>'
        '<STYLE media="print">.print{}</STYLE></body></html>')


def test_body_styles_move_to_the_end_of_the_head_in_order():
    out = hoist_body_styles(PAGE)
    head, _, body = out.partition("</head>")
    assert head.endswith('<style type="text/css">.quiz {\n color: red;\n}</style><STYLE media="print">.print{}</STYLE>')
    assert head.index("a.css") < head.index(".head{}") < head.index(".quiz")
    assert "<style" not in body.lower() and '<p>text</p><div class="quiz"></div>' in body


def test_a_page_without_body_styles_or_without_a_head_is_unchanged():
    plain = "<html><head><style>.a{}</style></head><body><p>x</p></body></html>"
    assert hoist_body_styles(plain) == plain
    fragment = "<p>x</p><style>.b{}</style>"
    assert hoist_body_styles(fragment) == fragment
