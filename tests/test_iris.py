"""The one IRI check: RFC 3987 absolute IRIs that fit between `<` and `>`, with a scheme policy on top."""

from __future__ import annotations

import pytest

from shfz_graph.errors import ParameterError
from shfz_graph.iris import check_iri, iri_problem

GOOD = [
    "https://w3id.org/shfz/id/zone/huangpu",
    "https://w3id.org/shfz/ontology#Zone",
    "http://example.org",
    "https://例子.中国/路径?q=1#frag",
    "https://example.org/a%20b",
    "urn:isbn:0451450523",
    "mailto:someone@example.org",
    "tag:example.org,2026:x",
]


@pytest.mark.parametrize("iri", GOOD)
def test_good_iris_pass(iri: str) -> None:
    assert iri_problem(iri) is None
    assert check_iri(iri, "IRI") == iri


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "it is empty"),
        ("not an iri", "it contains ' '"),
        ("zone/huangpu", "it is not absolute (it needs a scheme such as https:)"),
        ("1http://x", "it is not absolute (it needs a scheme such as https:)"),
        ("https://example.org/<x>", "it contains '<'"),
        ('https://example.org/"', "it contains '\"'"),
        ("https://example.org/{x}", "it contains '{'"),
        ("https://example.org/a|b", "it contains '|'"),
        ("https://example.org/a^b", "it contains '^'"),
        ("https://example.org/a`b", "it contains '`'"),
        ("https://example.org/a\\b", "it contains '\\\\'"),
        ("https://example.org/a\nb", "it contains '\\n'"),
        ("https://example.org/a\x00b", "it contains '\\x00'"),
        ("https://example.org/a\x85b", "it contains '\\x85'"),  # a C1 control
        ("https://example.org/a\u3000b", "it contains '\\u3000'"),  # ideographic space
        ("https://example.org/a\ud800b", "it contains '\\ud800'"),  # a lone surrogate
        ("http:///path", "it has no host"),
        ("https:example.org", "it has no host"),
        ("urn:x", "it is not of the form urn:NID:NSS"),
        ("https://example.org/100%", "it has a '%' that does not start a %XX escape"),
        ("https://example.org/%zz", "it has a '%' that does not start a %XX escape"),
        ("https://example.org/#a#b", "it has more than one '#'"),
    ],
)
def test_bad_iris_say_why(value: str, problem: str) -> None:
    assert iri_problem(value) == problem
    with pytest.raises(ParameterError) as err:
        check_iri(value, "graph")
    assert str(err.value) == f"graph {value!r} is not a valid IRI: {problem}"


def test_a_caller_may_limit_the_schemes() -> None:
    web = ("http", "https", "urn")
    assert iri_problem("https://example.org/x", schemes=web) is None
    assert (
        iri_problem("ftp://example.org/x", schemes=web) == "its scheme 'ftp' is not one of: http, https, urn"
    )
    assert (
        iri_problem("FTP://example.org/x", schemes=web) == "its scheme 'ftp' is not one of: http, https, urn"
    )
    assert iri_problem("ftp://example.org/x") is None
    # characters are judged before the scheme: the first problem is the one a user must fix first
    assert iri_problem("ftp://a b", schemes=web) == "it contains ' '"
