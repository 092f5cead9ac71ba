"""Named queries: header parsing, BASIL parameters, binding as RDF terms, lookup by name."""

from __future__ import annotations

import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef, namespace

from shfz_graph import catalog as catalog_module
from shfz_graph import resources
from shfz_graph.catalog import NamedQuery, Parameter, catalog, get, iri_problem, load_query
from shfz_graph.errors import InputError, ParameterError, UnknownQueryError

QUERIES = Path(__file__).parent / "fixtures" / "queries"
AI = "https://w3id.org/shfz/id/sector/artificial-intelligence"
BIO = "https://w3id.org/shfz/id/sector/biomedicine"
ID_HUANGPU = "https://w3id.org/shfz/id/zone/huangpu"


@pytest.fixture
def typed() -> NamedQuery:
    return get("typed", QUERIES)


@pytest.fixture
def by_sector() -> NamedQuery:
    return get("by-sector", QUERIES)


def write(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the catalogue --------------------------------------------------------------------------------------


def test_catalog_lists_every_file_sorted_by_name() -> None:
    assert [q.name for q in catalog(QUERIES)] == ["by-sector", "federated", "plain", "typed"]


def test_catalog_defaults_to_the_resources_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "queries_dir", lambda: QUERIES)
    assert [q.name for q in catalog()] == ["by-sector", "federated", "plain", "typed"]
    assert get("plain").path == QUERIES / "plain.rq"


def test_the_package_level_catalog_is_this_function() -> None:
    import shfz_graph

    assert [q.name for q in shfz_graph.catalog(QUERIES)] == ["by-sector", "federated", "plain", "typed"]
    assert shfz_graph.catalog.get is get


def test_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        catalog(tmp_path / "nope")
    assert str(err.value) == f"{tmp_path / 'nope'}: query folder not found"


def test_get_accepts_the_file_name() -> None:
    assert get("plain.rq", QUERIES).name == "plain"


def test_unknown_query_suggests_up_to_three_near_names() -> None:
    with pytest.raises(UnknownQueryError) as err:
        get("by-sectors", QUERIES)
    assert err.value.suggestions == ["by-sector"]
    assert str(err.value) == "unknown query 'by-sectors' (did you mean: by-sector?)"


def test_unknown_query_with_nothing_near() -> None:
    with pytest.raises(UnknownQueryError) as err:
        get("zzzz", QUERIES)
    assert err.value.suggestions == []
    assert str(err.value) == "unknown query 'zzzz'"


def test_at_most_three_suggestions(tmp_path: Path) -> None:
    for n in range(5):
        write(tmp_path, "SELECT * {}", f"zones-{n}.rq")
    with pytest.raises(UnknownQueryError) as err:
        get("zones-x", tmp_path)
    assert len(err.value.suggestions) == 3
    assert set(err.value.suggestions) <= {f"zones-{n}" for n in range(5)}


# -- headers --------------------------------------------------------------------------------------------


def test_header_fields(by_sector: NamedQuery) -> None:
    assert by_sector.summary == "Zones that focus on a sector"
    assert by_sector.description == (
        "The zones whose focus sectors include the given one, with their English label."
    )
    assert by_sector.tags == ("zones", "sectors")
    assert by_sector.method == "GET"
    assert by_sector.network is False
    assert by_sector.text == (QUERIES / "by-sector.rq").read_text(encoding="utf-8")


def test_flow_lists_and_quoted_scalars(typed: NamedQuery) -> None:
    assert typed.summary == "Every kind of parameter: a test fixture"
    assert typed.tags == ("fixtures", "parameters")


def test_network_flag() -> None:
    assert get("federated", QUERIES).network is True


def test_no_header() -> None:
    q = get("plain", QUERIES)
    assert (q.summary, q.description, q.tags, q.parameters, q.network) == ("", "", (), (), False)


def test_literal_block_scalar_keeps_lines(tmp_path: Path) -> None:
    q = load_query(write(tmp_path, "#+ description: |\n#+   line one\n#+     indented\nSELECT * {}\n"))
    assert q.description == "line one\n  indented"


def test_plain_scalar_continued_on_deeper_lines(tmp_path: Path) -> None:
    q = load_query(write(tmp_path, "#+ summary: first\n#+   second\nSELECT * {}\n"))
    assert q.summary == "first second"


def test_hash_inside_a_value_is_not_a_comment(tmp_path: Path) -> None:
    text = (
        "#+ defaults:\n#+   - c: https://w3id.org/shfz/ontology#Zone  # the class\nSELECT * { ?s a ?_c_iri }"
    )
    q = load_query(write(tmp_path, text))
    assert q.parameters[0].default == "https://w3id.org/shfz/ontology#Zone"


def test_grlc_keys_are_accepted_and_ignored(tmp_path: Path) -> None:
    q = load_query(
        write(tmp_path, "#+ endpoint: http://example.org/sparql\n#+ pagination: 10\nSELECT * {}\n")
    )
    assert q.summary == ""


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "#+ sumary: x\nSELECT * {}",
            1,
            "unknown key 'sumary' (known: summary, description, tags, defaults, enumerate, method, network)",
        ),
        ("#+ summary: a\n#+ summary: b\nSELECT * {}", 2, "'summary' is given twice"),
        ("#+ tags:\n#+   - a\n#+     - b\nSELECT * {}", 3, "unexpected indentation"),
        ("#+ tags:\n#+   - a: b\nSELECT * {}", 2, "tags are '- tag' lines"),
        ("#+ method: PUT\nSELECT * {}", 1, "method must be GET or POST, not 'PUT'"),
        ("#+ network: yes\nSELECT * {}", 1, "network must be true or false, not 'yes'"),
        ("#+ summary x\nSELECT * {}", 1, "expected 'key: value', found 'summary x'"),
        ("#+ summary: {a: 1}\nSELECT * {}", 1, "unsupported YAML syntax in '{a: 1}' (quote the value)"),
        ('#+ summary: "unterminated\nSELECT * {}', 1, 'unterminated quoted string "unterminated'),
        (
            "#+ defaults:\n#+   - nope: 1\nSELECT * { ?s ?p ?_x }",
            2,
            "default for unknown parameter 'nope' (parameters: x)",
        ),
        (
            "#+ defaults:\n#+   - x: 1\n#+   - x: 2\nSELECT * { ?s ?p ?_x }",
            3,
            "two defaults for parameter 'x'",
        ),
        (
            "#+ defaults:\n#+   - x_iri: https://example.org/\nSELECT * { ?s ?p ?_x_iri }",
            2,
            "default for 'x_iri': key it by the parameter's name, 'x'",
        ),
        (
            "#+ enumerate:\n#+   - _n_integer: [1]\nSELECT * { ?s ?p ?_n_integer }",
            2,
            "enumerate for '_n_integer': key it by the parameter's name, 'n'",
        ),
        (
            "#+ defaults:\n#+   - x: not an iri\nSELECT * { ?s ?p ?_x_iri }",
            2,
            "parameter 'x' takes an IRI: 'not an iri' is not a valid IRI: it contains ' '",
        ),
        (
            "#+ defaults:\n#+   - n: 1.5\nSELECT * { ?s ?p ?_n_integer }",
            2,
            "parameter 'n' takes an xsd:integer value: '1.5' is not a valid xsd:integer",
        ),
        (
            "#+ enumerate:\n#+   - n:\n#+     - 1\n#+     - x\nSELECT * { ?s ?p ?_n_integer }",
            2,
            "parameter 'n' takes an xsd:integer value: 'x' is not a valid xsd:integer",
        ),
        (
            "#+ defaults:\n#+   - n: 3\n#+ enumerate:\n#+   - n: [1, 2]\nSELECT * { ?s ?p ?_n_integer }",
            2,
            "parameter 'n': '3' is not one of: 1, 2",
        ),
        (
            "#+ enumerate:\n#+   - n: 1\nSELECT * { ?s ?p ?_n_integer }",
            2,
            "enumerate takes '- name:' lines, then '- value' lines",
        ),
    ],
)
def test_malformed_headers_name_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_query(path)
    assert (err.value.path, err.value.line) == (path, line)
    assert str(err.value) == f"{path}:{line}: query header: {message}"


def test_header_line_after_the_query_started(tmp_path: Path) -> None:
    path = write(tmp_path, "#+ summary: a\nSELECT * {}\n#+ tags: [b]\n")
    with pytest.raises(InputError) as err:
        load_query(path)
    assert str(err.value) == f"{path}:3: a '#+' header line must come before the query itself"


def test_tabs_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "#+ tags:\n#+ \t- a\nSELECT * {}\n")
    with pytest.raises(InputError) as err:
        load_query(path)
    assert str(err.value) == f"{path}:2: query header: indent with spaces, not tabs"


def test_a_bad_file_fails_the_catalogue(tmp_path: Path) -> None:
    write(tmp_path, "SELECT * {}", "good.rq")
    write(tmp_path, "#+ bogus: 1\nSELECT * {}", "bad.rq")
    with pytest.raises(InputError) as err:
        catalog(tmp_path)
    assert err.value.path == tmp_path / "bad.rq"


# -- parameters -----------------------------------------------------------------------------------------


def test_parameters_skip_iris_strings_and_comments(by_sector: NamedQuery) -> None:
    assert by_sector.parameters == (
        Parameter(name="sector", var="_sector_iri", kind="iri", required=True, default=AI, enum=(AI, BIO)),
    )


def test_every_kind_of_parameter(typed: NamedQuery) -> None:
    got = [(p.name, p.var, p.kind, p.required, p.datatype, p.lang) for p in typed.parameters]
    assert got == [
        ("name", "_name", "string", True, None, None),
        ("label", "_label_en", "lang", True, None, "en"),
        ("count", "_count_integer", "integer", True, namespace.XSD.integer, None),
        ("share", "_share_xsd_decimal", "decimal", True, namespace.XSD.decimal, None),
        ("ratio", "_ratio_xsd_double", "double", True, namespace.XSD.double, None),
        ("flag", "_flag_xsd_boolean", "boolean", True, namespace.XSD.boolean, None),
        ("day", "_day_xsd_date", "date", True, namespace.XSD.date, None),
        ("when", "_when_xsd_dateTime", "dateTime", True, namespace.XSD.dateTime, None),
        ("year", "_year_xsd_gYear", "gYear", True, namespace.XSD.gYear, None),
        (
            "size",
            "__size_xsd_nonNegativeInteger",
            "nonNegativeInteger",
            False,
            namespace.XSD.nonNegativeInteger,
            None,
        ),
        ("other", "__other_iri", "iri", False, None, None),
    ]
    assert [p.describe() for p in typed.parameters[:3]] == [
        "a string",
        "a string in language @en",
        "an xsd:integer value",
    ]


def test_the_grlc_spelling_of_typed_parameters(tmp_path: Path) -> None:
    q = load_query(
        write(tmp_path, "SELECT * { ?s ?p ?_minarea_xsd_decimal, ?_a_xsd_string, ?_when_xsd_datetime }")
    )
    assert [(p.name, p.kind, p.datatype) for p in q.parameters] == [
        ("minarea", "decimal", namespace.XSD.decimal),
        ("a", "string", None),
        ("when", "dateTime", namespace.XSD.dateTime),
    ]


CONVENTION = "does not follow the grlc/BASIL parameter convention"


@pytest.mark.parametrize(
    ("var", "problem"),
    [
        (
            "_min_area_decimal",
            "a parameter name has no '_' (grlc would read it as ?_min of type area:decimal); "
            "write ?_minarea_xsd_decimal",
        ),
        ("_share_decimal", "grlc reads 'decimal' as a language tag; write ?_share_xsd_decimal"),
        ("__day_date", "grlc reads 'date' as a language tag; write ?__day_xsd_date"),
        ("_zone_name", "grlc reads 'name' as a language tag; use a two-letter tag or one word (?_zonename)"),
        (
            "_zone_id_iri",
            "a parameter name has no '_' (grlc would read it as ?_zone of another type); "
            "write it as one word, e.g. ?_zoneid_iri",
        ),
    ],
)
def test_names_grlc_would_misread_are_refused(tmp_path: Path, var: str, problem: str) -> None:
    path = write(tmp_path, f"SELECT * {{\n ?s ?p ?{var} }}")
    with pytest.raises(InputError) as err:
        load_query(path)
    assert str(err.value) == f"{path}:2: ?{var} {CONVENTION}: {problem}"


def test_every_project_query_follows_the_convention() -> None:
    """The catalogue loads (it refuses any name grlc would misread); defaults are keyed by name."""
    for named in catalog():
        for p in named.parameters:
            assert "_" not in p.name, (named.name, p.var)
    larger = get("zones-larger-than").parameters
    assert [(p.name, p.var, p.default) for p in larger] == [("minarea", "_minarea_xsd_decimal", "20")]


def test_names_of_the_previous_release_still_work_with_a_warning() -> None:
    from shfz_graph.errors import DeprecatedParameterName

    named = get("zones-larger-than")
    expected = named.bind({"minarea": "40"})
    for old in ("min_area", "min_area_decimal", "_min_area_decimal", "?_min_area_decimal"):
        with pytest.warns(DeprecatedParameterName) as caught:
            assert named.bind({old: "40"}) == expected
        assert [str(w.message) for w in caught] == [
            f"parameter name {old!r} is deprecated and will stop working in the next release: use 'minarea'"
        ]
        assert named.renamed(old) == named.parameters[0]
    assert named.renamed("minarea") is None and named.renamed("max_area") is None
    by_zone = get("zone-sites")
    with warnings.catch_warnings():  # the variable without its `_` is a current name: no warning
        warnings.simplefilter("error")
        assert by_zone.bind({"zone_iri": ID_HUANGPU}) == by_zone.bind({"zone": ID_HUANGPU})


def test_one_name_with_two_types_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "SELECT * {\n ?s ?p ?_x_iri .\n ?s ?q ?_x_integer }")
    with pytest.raises(InputError) as err:
        load_query(path)
    assert str(err.value) == f"{path}:3: parameter 'x' appears as ?_x_iri and as ?_x_integer"


def test_unusable_parameter_name(tmp_path: Path) -> None:
    path = write(tmp_path, "SELECT * { ?s ?p ?___x }")
    with pytest.raises(InputError) as err:
        load_query(path)
    assert str(err.value) == f"{path}:1: ?___x is not a usable parameter name"


# -- binding --------------------------------------------------------------------------------------------

TYPED_REQUIRED = {
    "name": "Lingang",
    "share": "0.5",
    "ratio": "1e3",
    "flag": "true",
    "day": "2024-02-29",
    "when": "2024-02-29T10:00:00+08:00",
    "year": "2013",
}


def test_bind_applies_defaults(by_sector: NamedQuery) -> None:
    assert by_sector.bind({}) == {"_sector_iri": URIRef(AI)}
    assert by_sector.bind() == {"_sector_iri": URIRef(AI)}


@pytest.mark.parametrize("key", ["sector", "sector_iri", "_sector_iri", "?_sector_iri"])
def test_bind_accepts_every_spelling_of_a_name(by_sector: NamedQuery, key: str) -> None:
    assert by_sector.bind({key: BIO}) == {"_sector_iri": URIRef(BIO)}


def test_bind_gives_rdf_terms_of_each_kind(typed: NamedQuery) -> None:
    assert typed.bind(TYPED_REQUIRED) == {
        "_name": Literal("Lingang"),
        "_label_en": Literal("Huangpu", lang="en"),
        "_count_integer": Literal("3", datatype=namespace.XSD.integer),
        "_share_xsd_decimal": Literal("0.5", datatype=namespace.XSD.decimal),
        "_ratio_xsd_double": Literal("1e3", datatype=namespace.XSD.double),
        "_flag_xsd_boolean": Literal("true", datatype=namespace.XSD.boolean),
        "_day_xsd_date": Literal("2024-02-29", datatype=namespace.XSD.date),
        "_when_xsd_dateTime": Literal("2024-02-29T10:00:00+08:00", datatype=namespace.XSD.dateTime),
        "_year_xsd_gYear": Literal("2013", datatype=namespace.XSD.gYear),
    }


def test_optional_parameters_are_bound_only_when_given(typed: NamedQuery) -> None:
    out = typed.bind({**TYPED_REQUIRED, "size": "0", "other": "urn:isbn:0451450523"})
    assert out["__size_xsd_nonNegativeInteger"] == Literal("0", datatype=namespace.XSD.nonNegativeInteger)
    assert out["__other_iri"] == URIRef("urn:isbn:0451450523")
    assert "__other_iri" not in typed.bind({**TYPED_REQUIRED, "other": None})


def test_bind_accepts_terms_and_python_values(typed: NamedQuery) -> None:
    out = typed.bind(
        {
            **TYPED_REQUIRED,
            "name": Literal("Lingang"),
            "label": Literal("Lingang"),
            "count": 7,
            "share": Decimal("2.5"),
            "ratio": Literal(0.25),
            "flag": False,
            "other": URIRef("https://example.org/x"),
        }
    )
    assert out["_name"] == Literal("Lingang")
    assert out["_label_en"] == Literal("Lingang", lang="en")
    assert out["_count_integer"] == Literal("7", datatype=namespace.XSD.integer)
    assert out["_share_xsd_decimal"] == Literal("2.5", datatype=namespace.XSD.decimal)
    assert out["_ratio_xsd_double"] == Literal("0.25", datatype=namespace.XSD.double)
    assert out["_flag_xsd_boolean"] == Literal("false", datatype=namespace.XSD.boolean)
    assert out["__other_iri"] == URIRef("https://example.org/x")


def test_a_hostile_string_stays_one_literal(typed: NamedQuery) -> None:
    hostile = '" } ; DROP ALL ; #'
    assert typed.bind({**TYPED_REQUIRED, "name": hostile})["_name"] == Literal(hostile)


def test_unknown_parameter(by_sector: NamedQuery) -> None:
    with pytest.raises(ParameterError) as err:
        by_sector.bind({"zone": "x"})
    assert str(err.value) == "query 'by-sector' has no parameter 'zone' (its parameters: sector)"


def test_same_parameter_twice(by_sector: NamedQuery) -> None:
    with pytest.raises(ParameterError) as err:
        by_sector.bind({"sector": AI, "sector_iri": BIO})
    assert str(err.value) == "parameter 'sector' is given twice (as 'sector' and 'sector_iri')"


def test_missing_required_parameter(typed: NamedQuery) -> None:
    with pytest.raises(ParameterError) as err:
        typed.bind({k: v for k, v in TYPED_REQUIRED.items() if k != "share"})
    assert str(err.value) == "query 'typed' needs parameter 'share' (an xsd:decimal value)"


def test_enumeration_is_enforced(by_sector: NamedQuery) -> None:
    with pytest.raises(ParameterError) as err:
        by_sector.bind({"sector": "https://w3id.org/shfz/id/sector/finance"})
    assert str(err.value) == (
        f"parameter 'sector': 'https://w3id.org/shfz/id/sector/finance' is not one of: {AI}, {BIO}"
    )


def test_boolean_enumeration_compares_values(typed: NamedQuery) -> None:
    assert typed.bind({**TYPED_REQUIRED, "flag": "1"})["_flag_xsd_boolean"] == Literal(True)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("not an iri", "it contains ' '"),
        ("zone/huangpu", "it is not absolute (it needs a scheme such as https:)"),
        ("ftp://example.org/x", "its scheme 'ftp' is not one of: http, https, urn"),
        ("id:zone/huangpu", "its scheme 'id' is not one of: http, https, urn"),
        ("https://example.org/<x>", "it contains '<'"),
        ('https://example.org/"', "it contains '\"'"),
        ("https://example.org/{x}", "it contains '{'"),
        ("https://example.org/a|b", "it contains '|'"),
        ("https://example.org/a^b", "it contains '^'"),
        ("https://example.org/a`b", "it contains '`'"),
        ("https://example.org/a\\b", "it contains '\\\\'"),
        ("https://example.org/a\nb", "it contains '\\n'"),
        ("http:///path", "it has no host"),
        ("urn:x", "it is not of the form urn:NID:NSS"),
        ("", "it is empty"),
    ],
)
def test_malformed_iris_are_refused(by_sector: NamedQuery, value: str, problem: str) -> None:
    with pytest.raises(ParameterError) as err:
        by_sector.bind({"sector": value})
    assert str(err.value) == f"parameter 'sector' takes an IRI: {value!r} is not a valid IRI: {problem}"


def test_iri_problem_accepts_good_iris() -> None:
    for iri in [AI, "http://example.org", "https://例子.中国/路径?q=1#frag", "urn:isbn:0451450523"]:
        assert iri_problem(iri) is None


def test_terms_of_the_wrong_kind_are_refused(typed: NamedQuery, by_sector: NamedQuery) -> None:
    cases = [
        (
            by_sector,
            "sector",
            Literal(AI),
            "parameter 'sector' takes an IRI: " + Literal(AI).n3() + " is not an IRI",
        ),
        (by_sector, "sector", BNode("b1"), "parameter 'sector' takes an IRI: _:b1 is not allowed"),
        (typed, "count", URIRef(AI), f"parameter 'count' takes an xsd:integer value: got the IRI <{AI}>"),
        (
            typed,
            "label",
            Literal("Lingang", lang="fr"),
            "parameter 'label' takes a string in language @en: \"Lingang\"@fr is in language @fr",
        ),
        (
            typed,
            "name",
            Literal("Lingang", lang="en"),
            "parameter 'name' takes a string: \"Lingang\"@en has a language tag",
        ),
        (
            typed,
            "count",
            Literal("1.5", datatype=namespace.XSD.decimal),
            "parameter 'count' takes an xsd:integer value: "
            '"1.5"^^<http://www.w3.org/2001/XMLSchema#decimal> is of type <http://www.w3.org/2001/XMLSchema#decimal>',
        ),
    ]
    for query, name, value, message in cases:
        with pytest.raises(ParameterError) as err:
            query.bind({**TYPED_REQUIRED, name: value} if query is typed else {name: value})
        assert str(err.value) == message


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("count", "1.5", "'1.5' is not a valid xsd:integer"),
        ("count", "1e3", "'1e3' is not a valid xsd:integer"),
        ("count", " 5", "' 5' is not a valid xsd:integer"),
        ("count", "１２", "'１２' is not a valid xsd:integer"),
        ("count", "", "'' is not a valid xsd:integer"),
        ("share", "1e3", "'1e3' is not a valid xsd:decimal"),
        ("share", "1.2.3", "'1.2.3' is not a valid xsd:decimal"),
        ("share", "abc", "'abc' is not a valid xsd:decimal"),
        ("ratio", "1,5", "'1,5' is not a valid xsd:double"),
        ("flag", "yes", "'yes' is not a valid xsd:boolean"),
        ("day", "2023-02-29", "'2023-02-29' is not a valid xsd:date (no such day)"),
        ("day", "2024-13-01", "'2024-13-01' is not a valid xsd:date (no such day)"),
        ("day", "29/02/2024", "'29/02/2024' is not a valid xsd:date"),
        ("when", "2024-02-29", "'2024-02-29' is not a valid xsd:dateTime"),
        ("when", "2024-02-29T25:00:00", "'2024-02-29T25:00:00' is not a valid xsd:dateTime (no such time)"),
        ("year", "13", "'13' is not a valid xsd:gYear"),
        ("size", "-1", "'-1' is out of range for xsd:nonNegativeInteger"),
    ],
)
def test_numbers_and_dates_are_parsed_strictly(
    typed: NamedQuery, name: str, value: str, problem: str
) -> None:
    with pytest.raises(ParameterError) as err:
        typed.bind({**TYPED_REQUIRED, name: value})
    kind = next(p for p in typed.parameters if p.name == name).kind
    assert str(err.value) == f"parameter {name!r} takes an xsd:{kind} value: {problem}"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("count", "+05", Literal("5", datatype=namespace.XSD.integer)),
        ("share", ".5", Literal("0.5", datatype=namespace.XSD.decimal)),
        ("ratio", "-INF", Literal("-INF", datatype=namespace.XSD.double, normalize=False)),
        ("ratio", "NaN", Literal("NaN", datatype=namespace.XSD.double, normalize=False)),
        ("day", "2000-02-29Z", Literal("2000-02-29Z", datatype=namespace.XSD.date)),
        ("when", "2024-02-29T24:00:00", Literal("2024-02-29T24:00:00", datatype=namespace.XSD.dateTime)),
    ],
)
def test_valid_edge_values(typed: NamedQuery, name: str, value: str, expected: Literal) -> None:
    term = typed.bind({**TYPED_REQUIRED, name: value})[typed.parameter(name).var]
    assert (term, str(term)) == (expected, str(expected))


def test_parameter_lookup_names_the_query(typed: NamedQuery) -> None:
    assert typed.parameter("count_integer") is typed.parameter("count")
    with pytest.raises(ParameterError):
        typed.parameter("counts")


def test_module_exposes_the_contract_names() -> None:
    for name in ("catalog", "get", "NamedQuery", "Parameter"):
        assert hasattr(catalog_module, name)
