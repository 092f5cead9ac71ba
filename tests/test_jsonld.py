"""Offline JSON-LD parsing: documents parse, and no context reference ever leaves the process."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD
from rdflib.plugins.shared.jsonld.context import Context

from shfz_graph.errors import InputError
from shfz_graph.rdf.jsonld import (
    _OfflineContexts,
    load_context,
    parse_jsonld,
    parse_jsonld_dataset,
    remote_references,
)

FIXTURES = Path(__file__).parent / "fixtures"
EX = "http://example.org/"


class Listener:
    """A TCP listener on 127.0.0.1 that records connections (and answers like a context server)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/ctx.jsonld"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        body = json.dumps({"@context": {"ex": EX}}).encode()
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    conn.sendall(
                        b"HTTP/1.0 200 OK\r\nContent-Type: application/ld+json\r\n"
                        + f"Content-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    try:
        yield server
    finally:
        server.close()


def _doc(context: object) -> str:
    return json.dumps({"@context": context, "@id": "ex:a", "ex:p": "x"})


def test_parses_a_self_contained_document_exactly() -> None:
    doc = {
        "@context": {"ex": EX, "name": {"@id": "ex:name", "@container": "@language"}},
        "@id": "ex:a",
        "name": {"en": "Huangpu", "zh-Hans": "黄浦"},
        "ex:n": 3,
    }
    graph = parse_jsonld(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    assert set(graph) == {
        (URIRef(EX + "a"), URIRef(EX + "name"), Literal("Huangpu", lang="en")),
        (URIRef(EX + "a"), URIRef(EX + "name"), Literal("黄浦", lang="zh-Hans")),
        (URIRef(EX + "a"), URIRef(EX + "n"), Literal("3", datatype=XSD.integer)),
    }


def test_an_extra_local_context_is_applied() -> None:
    graph = parse_jsonld('{"@id": "ex:a", "label": "A"}', context={"ex": EX, "label": str(RDFS.label)})
    assert set(graph) == {(URIRef(EX + "a"), RDFS.label, Literal("A"))}


def test_named_graphs_are_kept_in_the_dataset_and_merged_in_the_graph() -> None:
    doc = {"@context": {"ex": EX}, "@id": "ex:g", "@graph": [{"@id": "ex:a", "ex:p": {"@id": "ex:b"}}]}
    dataset = parse_jsonld_dataset(doc)
    assert set(dataset.graph(URIRef(EX + "g"))) == {(URIRef(EX + "a"), URIRef(EX + "p"), URIRef(EX + "b"))}
    assert set(parse_jsonld(doc)) == {(URIRef(EX + "a"), URIRef(EX + "p"), URIRef(EX + "b"))}


def test_rdflib_alone_would_fetch_the_context(listener: Listener) -> None:
    """Sanity check of the listener: rdflib's own parser does connect (which is why we guard it)."""
    Graph().parse(data=_doc(listener.url), format="json-ld")
    assert listener.connections == 1


@pytest.mark.parametrize(
    "make_doc",
    [
        pytest.param(lambda url: _doc(url), id="top-level string"),
        pytest.param(lambda url: _doc([{"ex": EX}, url]), id="in a list"),
        pytest.param(
            lambda url: json.dumps(
                {"@context": {"ex": EX}, "@id": "ex:a", "ex:p": {"@context": url, "@id": "ex:b"}}
            ),
            id="nested node",
        ),
        pytest.param(
            lambda url: json.dumps(
                {
                    "@context": {"ex": EX, "t": {"@id": "ex:t", "@context": url}},
                    "@id": "ex:a",
                    "t": {"@id": "ex:b"},
                }
            ),
            id="scoped in a term",
        ),
        pytest.param(lambda url: _doc({"@import": url, "ex": EX}), id="@import"),
        pytest.param(lambda url: json.dumps([{"@context": url, "@id": "ex:a"}]), id="top-level array"),
    ],
)
def test_remote_contexts_are_refused_without_a_connection(listener: Listener, make_doc) -> None:
    with pytest.raises(
        InputError, match=r"JSON-LD context 'http://127\.0\.0\.1:\d+/ctx\.jsonld' is not fetched"
    ):
        parse_jsonld(make_doc(listener.url), path="doc.jsonld")
    assert listener.connections == 0


def test_the_error_names_the_file(listener: Listener, tmp_path: Path) -> None:
    path = tmp_path / "doc.jsonld"
    path.write_text(_doc(listener.url), encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_jsonld(path)
    assert str(info.value).startswith(f"{path}: JSON-LD context ")
    assert info.value.path == path
    assert listener.connections == 0


def test_an_extra_context_given_as_url_is_refused(listener: Listener) -> None:
    with pytest.raises(InputError, match="is not fetched"):
        parse_jsonld('{"@id": "http://example.org/a"}', context=[listener.url])
    assert listener.connections == 0


def test_the_cache_guard_refuses_even_if_the_scan_were_bypassed(listener: Listener) -> None:
    context = Context()
    context._context_cache = _OfflineContexts({}, None)
    with pytest.raises(InputError, match="is not fetched"):
        context.load(listener.url)
    assert listener.connections == 0


def test_known_documents_resolve_offline(listener: Listener) -> None:
    graph = parse_jsonld(_doc(listener.url), documents={listener.url: {"@context": {"ex": EX}}})
    assert set(graph) == {(URIRef(EX + "a"), URIRef(EX + "p"), Literal("x"))}
    assert listener.connections == 0


def test_values_are_not_mistaken_for_contexts() -> None:
    doc = {
        "@context": {"ex": EX},
        "@id": "ex:a",
        "ex:j": {"@type": "@json", "@value": {"@context": "http://x/"}},
    }
    assert list(remote_references(doc)) == []
    assert len(parse_jsonld(doc)) == 1


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonld"
    path.write_text('{\n  "@id": "http://example.org/a",\n  oops\n}\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_jsonld(path)
    assert info.value.line == 3
    assert str(info.value).startswith(f"{path}:3: invalid JSON: ")


def test_load_context_returns_the_inner_context() -> None:
    context = load_context(FIXTURES / "context.jsonld")
    document = json.loads((FIXTURES / "context.jsonld").read_text(encoding="utf-8"))
    assert context == document["@context"]


def test_load_context_refuses_a_context_that_imports_a_url(tmp_path: Path) -> None:
    path = tmp_path / "ctx.jsonld"
    path.write_text(json.dumps({"@context": {"@import": "https://example.org/ctx.jsonld"}}), encoding="utf-8")
    with pytest.raises(InputError, match="is not fetched"):
        load_context(path)


def test_load_context_rejects_a_document_without_a_context_object(tmp_path: Path) -> None:
    path = tmp_path / "ctx.jsonld"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(InputError, match="must be an object with an '@context' object"):
        load_context(path)
