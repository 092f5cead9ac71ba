"""The worker's cheap first look at a query: refusals users expect, found in one lexing pass."""

from __future__ import annotations

import pytest

from shfz_graph.errors import LoadDenied, NetworkAccessDenied, QuerySyntaxError, UpdateDenied
from shfz_graph.workers.screen import MAX_NESTING, Screened, screen, unescape


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "INSERT DATA"),
        ("DELETE DATA { <http://e/a> <http://e/b> <http://e/c> }", "DELETE DATA"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
        ("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
        ("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
        ("WITH <http://e/g> INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <http://e/g>", "DROP"),
        ("CREATE GRAPH <http://e/g>", "CREATE"),
        ("ADD <http://e/g> TO <http://e/h>", "ADD"),
        ("MOVE DEFAULT TO <http://e/h>", "MOVE"),
        ("COPY <http://e/g> TO DEFAULT", "COPY"),
        ("PREFIX e: <http://e/>\nCLEAR DEFAULT ; DROP ALL", "CLEAR, DROP"),
        ("# a comment\ninsert data { <http://e/a> <http://e/b> 'INSERT' }", "INSERT DATA"),
    ],
)
def test_updates_are_refused_by_name(text: str, names: str) -> None:
    with pytest.raises(UpdateDenied) as err:
        screen(text, allow_network=True)
    assert str(err.value) == f"SPARQL updates are not allowed here ({names})"


def test_load_is_refused_as_update_and_as_network_access() -> None:
    with pytest.raises(LoadDenied) as err:
        screen("LOAD <http://127.0.0.1:9/x.ttl> INTO GRAPH <http://e/g>", allow_network=True)
    assert isinstance(err.value, NetworkAccessDenied)
    assert str(err.value) == "SPARQL updates are not allowed here (LOAD)"


def test_network_features_are_listed_as_written() -> None:
    text = (
        "PREFIX e: <http://e/> SELECT * FROM <http://e/a.ttl> FROM NAMED e:b "
        "WHERE { SERVICE SILENT <http://e/sparql> { ?s ?p ?o } SERVICE ?ep { } }"
    )
    with pytest.raises(NetworkAccessDenied) as err:
        screen(text, allow_network=False)
    assert str(err.value) == (
        "query would access the network (FROM <http://e/a.ttl>; FROM NAMED e:b; SERVICE <http://e/sparql>; "
        "SERVICE ?ep); network access is not allowed"
    )
    assert screen(text, allow_network=True) == Screened("SELECT", True)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?service WHERE { ?s <http://e/SERVICE> "SERVICE FROM" } # SERVICE <http://x>',
        "PREFIX service: <http://e/> SELECT ?from WHERE { ?from service:from ?service }",
        "SELECT * WHERE { ?s ?p 'a \\' SERVICE <http://x> {}' }",
    ],
)
def test_the_words_in_names_strings_and_comments_are_not_keywords(text: str) -> None:
    assert screen(text, allow_network=False).kind == "SELECT"


def test_escapes_are_read_as_sparql_reads_them() -> None:
    assert unescape("\\u0053ERVICE \\U0001F600 \\uD800") == "SERVICE \U0001f600 \\uD800"
    with pytest.raises(NetworkAccessDenied):
        screen("SELECT * WHERE { \\u0073ervice <http://e/q> { } }", allow_network=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", Screened("SELECT", True)),
        ("select distinct * { ?s ?p ?o }", Screened("SELECT", True)),
        ("SELECT ?s WHERE { { SELECT * WHERE { ?s ?p ?o } } }", Screened("SELECT", False)),
        ("PREFIX a: <http://e/> BASE <http://e/> ASK { ?s ?p ?o }", Screened("ASK", False)),
        ("CONSTRUCT WHERE { ?s ?p ?o }", Screened("CONSTRUCT", False)),
        ("DESCRIBE <http://e/a>", Screened("DESCRIBE", False)),
        ("nonsense", Screened(None, False)),
    ],
)
def test_the_form_of_the_query(text: str, expected: Screened) -> None:
    assert screen(text, allow_network=False) == expected


def test_nesting_is_bounded_at_the_first_bracket_too_deep() -> None:
    fine = "SELECT * WHERE " + "{ " * MAX_NESTING + "}" * MAX_NESTING
    assert screen(fine, allow_network=False).kind == "SELECT"
    deep = "SELECT * WHERE\n" + "{" * 100 + "(" * 29 + "1" + ")" * 29 + "}" * 100
    with pytest.raises(QuerySyntaxError) as err:
        screen(deep, allow_network=False)
    assert (err.value.line, err.value.column) == (2, 129)
    assert str(err.value) == (
        "SPARQL syntax error at line 2, column 129: the query nests brackets more than 128 levels deep; "
        "write it with fewer nested groups"
    )


def test_brackets_in_strings_and_iris_do_not_count() -> None:
    text = 'SELECT * WHERE { BIND("' + "{" * 1000 + '" AS ?x) }'
    assert screen(text, allow_network=False).kind == "SELECT"


# -- the quick look and the lexing pass decide alike -----------------------------------------------------

_PIECES = (
    "SELECT", "select", "SeLeCt", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "DISTINCT", "REDUCED", "*",
    "PREFIX", "BASE", "a:", "select:", "from:", ":", "<http://e/x#y>", "<http://e/FROM>", "<", ">",
    "SERVICE", "service", "FROM", "NAMED", "INSERT", "DATA", "delete", "LOAD", "WITH", "ADD", "add",
    "address", "wasDerivedFrom", "xFROM", "FROMx", "9FROM", "-FROM", "FROM-", "_with", "\u017fERVICE",
    "FROM\u212a", "\u212aFROM", "\\u0053ERVICE", "\\u0046ROM", "#", "# c\n", "\n", " ", "\t", "\u00a0",
    "{", "}", "(", ")", "[", "]", "?x", "?from", "$s", '"', "'", '"FROM"', "'x'", "1", ".", ";", ",",
)  # fmt: skip


def _outcome(text: str, *, allow_network: bool) -> object:
    from shfz_graph.workers import screen as screening

    try:
        return screening._full(screening.unescape(text), allow_network=allow_network)
    except Exception as exc:  # the lexing pass's refusal, compared by class and message
        return (type(exc).__name__, str(exc))


def test_the_quick_look_decides_as_the_lexing_pass_does() -> None:
    """Where the quick look (no lexing) gives a verdict, the full pass gives the same one, with the network
    allowed or not: on random texts made of the pieces that matter (keywords glued to letters, digits,
    `-` and `:`; Unicode letters that fold to ASCII; escapes; comments; prologues), and on the hostile
    queries of the suite."""
    import random

    from conftest import HOSTILE_QUERIES

    from shfz_graph.workers import screen as screening

    rng = random.Random(22)
    texts = [*HOSTILE_QUERIES.values()]
    texts += ["PREFIX a: <http://e/> SELECT * WHERE { ?s a:b ?o }", "SELECT # c\n * { }"]
    for _ in range(30000):
        start = rng.choice(("", "PREFIX a: <http://e/> ", "# c\n", "BASE <http://e/>", "PREFIX select: <x>"))
        start += rng.choice(("SELECT", "select distinct", "ASK", "CONSTRUCT", "DESCRIBE", "SELECT *", ""))
        pieces = (rng.choice(_PIECES) + rng.choice(("", " ")) for _ in range(rng.randint(0, 10)))
        texts.append(start + rng.choice(("", " ")) + "".join(pieces))
    quick_verdicts = 0
    for text in texts:
        quick = screening._quick(screening.unescape(text))
        if quick is None:
            continue
        quick_verdicts += 1
        assert _outcome(text, allow_network=False) == quick, text
        assert _outcome(text, allow_network=True) == quick, text
    assert quick_verdicts > 3000  # the comparison covers many texts the quick look decided


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?q (COUNT(*) AS ?c) WHERE { VALUES ?q { 1 } "
        "?s <http://www.w3.org/ns/prov#wasDerivedFrom> ?o } GROUP BY ?q",
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?s WHERE { ?s skos:prefLabel ?l }",
        "# a comment\nASK { ?s ?p ?o }",
    ],
)
def test_ordinary_texts_are_screened_without_lexing(text: str) -> None:
    from shfz_graph.workers import screen as screening

    assert screening._quick(text) == screen(text, allow_network=False)
