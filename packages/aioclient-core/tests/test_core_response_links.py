"""``Link`` header parsing (RFC 8288 §3), as ``ClientResponse.links`` shows it."""

from __future__ import annotations

from yarl import URL

from aioclient_core._response_meta import parse_links

BASE = URL("http://h.example/dir/page")


def test_links_keyed_by_rel_with_urls_resolved() -> None:
    links = parse_links(
        ['<http://a.example/next>; rel="next", </prev>; rel=prev; title="P, 1"'],
        BASE,
    )
    assert list(links) == ["next", "prev"]
    assert links["next"]["url"] == URL("http://a.example/next")
    assert links["prev"]["url"] == URL("http://h.example/prev")
    assert links["prev"]["title"] == "P, 1"  # a comma inside quotes splits nothing


def test_a_link_without_rel_is_keyed_by_its_target() -> None:
    links = parse_links(["<other>; title=x"], BASE)
    assert links["other"]["url"] == URL("http://h.example/dir/other")


def test_parameter_names_are_case_insensitive() -> None:
    links = parse_links(["<b>; REL=z"], BASE)
    assert links["z"]["rel"] == "z"


def test_values_that_are_not_links_are_skipped() -> None:
    links = parse_links(["garbage", "<ok>; rel=a, nonsense; rel=b", ""], BASE)
    assert list(links) == ["a"]
    assert links["a"]["url"] == URL("http://h.example/dir/ok")


def test_several_header_lines_add_up() -> None:
    links = parse_links(["<a>; rel=x", "<b>; rel=x"], BASE)
    assert [link["url"] for link in links.getall("x")] == [
        URL("http://h.example/dir/a"),
        URL("http://h.example/dir/b"),
    ]


def test_links_with_invalid_targets_are_skipped() -> None:
    # A peer's bad target must not make ``resp.links`` raise (found by fuzzing).
    links = parse_links(
        ["<http://[>; rel=a, <http://h:99999/>; rel=b, <ok>; rel=c"], BASE
    )
    assert list(links) == ["c"]


def test_the_url_entry_is_always_the_resolved_target() -> None:
    links = parse_links(["</a>; rel=next; url=x; URL=y"], BASE)
    assert links["next"].getall("url") == [URL("http://h.example/a")]
