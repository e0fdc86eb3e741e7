"""kg.markdown: blocks, styled spans and links with line numbers."""
from kg.markdown import parse


def test_list_item_spans_keep_bold_and_link() -> None:
    doc = parse("Intro\n\n* **Ann Able**, Director, [Org](https://org.example/)\n", first_line=10)
    item = [b for b in doc.blocks if b.kind == "item"][0]
    assert item.line == 12 and item.depth == 1
    assert [(s.text, s.strong, s.url) for s in item.spans] == [
        ("Ann Able", True, None), (", Director, ", False, None), ("Org", False, "https://org.example/")]


def test_links_with_lines_and_reference_links() -> None:
    doc = parse("a [x](/events/a)\n\nb [y][r]\n\n[r]: https://r.example/\n")
    assert [(l.text, l.url, l.line) for l in doc.links] == [("x", "/events/a", 1), ("y", "https://r.example/", 3)]


def test_images_are_marked() -> None:
    doc = parse("![alt](pic.png)\n")
    assert doc.links[0].image is True


def test_quote_and_heading() -> None:
    doc = parse("# Speakers\n\n> quoted [l](u)\n")
    assert [(b.kind, b.level, b.quote) for b in doc.blocks] == [("heading", 1, False), ("paragraph", 0, True)]


def test_loose_list_paragraphs_are_items() -> None:
    doc = parse("* one\n\n* two\n")
    assert [b.kind for b in doc.blocks] == ["item", "item"]


def test_raw_html_is_not_text() -> None:
    doc = parse("a <b>bold</b> c\n")
    assert doc.blocks[0].text == "a bold c"
