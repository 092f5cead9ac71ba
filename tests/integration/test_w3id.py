"""deploy/w3id/.htaccess, the w3id.org redirects of our IRIs, in a real Apache httpd with mod_rewrite
(Debian's `apache2`), on loopback, in front of a live `shfz-graph serve`.

The file's one deployment address is replaced by the live server's; Apache serves the file as w3id.org does
(`shfz/.htaccess`, AllowOverride). Every IRI of the graph must be redirected (303) to its path at the
server, and every kind of IRI, in every format (by Accept and by suffix), must reach the right page or graph.
Skipped (reason shown) when Apache is missing, except under CI, where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, LiveServer, free_port, missing_real_part, stop_process, wait_for_http
from rdflib import OWL, RDF, VOID, Graph, Literal, URIRef

from shfz_graph.graph import KnowledgeGraph

pytestmark = pytest.mark.apache

HTACCESS = REPO / "deploy" / "w3id" / ".htaccess"
PLACEHOLDER = "https://shfz-graph.example.org"
BASE = "https://w3id.org/shfz/"
APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")
FORMATS = {  # suffix: (Accept, the media type the server answers with, rdflib parser)
    ".ttl": ("text/turtle", "text/turtle", "turtle"),
    ".jsonld": ("application/ld+json", "application/ld+json", "json-ld"),
    ".nt": ("application/n-triples", "application/n-triples", "nt"),
}
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # a browser's Accept


@dataclass
class W3id:
    """Apache on 127.0.0.1 standing in for https://w3id.org/ (`url` + `/shfz/...`), and the deployment."""

    url: str
    deployment: str


def test_the_deployment_address_is_given_in_one_place() -> None:
    text = HTACCESS.read_text(encoding="utf-8")
    assert text.count(PLACEHOLDER) == 1
    assert f"RewriteRule ^ - [E=SHFZ_DEPLOYMENT:{PLACEHOLDER}]" in text


@pytest.fixture(scope="module")
def w3id(live_server: LiveServer) -> Iterator[W3id]:
    """Apache httpd serving a document root with shfz/.htaccess (its address: the live server)."""
    needed = [APACHE, MODULES / "mod_rewrite.so", MODULES / "mod_mpm_event.so", MODULES / "mod_authz_core.so"]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        missing_real_part(f"Apache httpd is not installed: no {', '.join(missing)} (apt-get install apache2)")
    # Apache's workers may run as www-data: a folder they can read (not pytest's private tmp)
    root = Path(tempfile.mkdtemp(prefix="shfz-w3id-"))
    try:
        root.chmod(0o755)
        (root / "www" / "shfz").mkdir(parents=True)
        (root / "run").mkdir()
        text = HTACCESS.read_text(encoding="utf-8").replace(PLACEHOLDER, live_server.url)
        htaccess = root / "www" / "shfz" / ".htaccess"
        htaccess.write_text(text, encoding="utf-8")
        for path in (root / "www", root / "www" / "shfz", root / "run"):
            path.chmod(0o755)
        htaccess.chmod(0o644)
        port = free_port()
        user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
        (root / "httpd.conf").write_text(
            f'ServerRoot "{root}"\nServerName 127.0.0.1\nPidFile {root}/run/httpd.pid\n'
            f"DefaultRuntimeDir {root}/run\nListen 127.0.0.1:{port}\n"
            f"LoadModule mpm_event_module {MODULES}/mod_mpm_event.so\n"
            f"LoadModule authz_core_module {MODULES}/mod_authz_core.so\n"
            f"LoadModule rewrite_module {MODULES}/mod_rewrite.so\n"
            f"{user}ErrorLog {root}/error.log\nLogLevel warn\nDocumentRoot {root}/www\n"
            f"<Directory {root}/www>\n  AllowOverride All\n  Require all granted\n</Directory>\n",
            encoding="utf-8",
        )
        log = root / "console.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [str(APACHE), "-f", str(root / "httpd.conf"), "-DFOREGROUND"],
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_http(f"{url}/", process, log, "apache2", 30)
            yield W3id(url, live_server.url)
        finally:
            stop_process(process)
    finally:
        shutil.rmtree(root, ignore_errors=True)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, accept: str | None, *, follow: bool) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of a GET, following redirects or not."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        opener = urllib.request.build_opener() if follow else _OPENER
        with opener.open(request, timeout=30) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, headers, body = exc.code, exc.headers, exc.read()
    return status, {k.lower(): v for k, v in headers.items()}, body


def our_iris(kg: KnowledgeGraph) -> set[str]:
    """Every IRI under the base in the graph (fragments dropped: they never reach a server)."""
    found: set[str] = set()
    for quad in kg.dataset.quads((None, None, None, None)):
        for term in quad:
            if isinstance(term, URIRef) and str(term).startswith(BASE):
                found.add(str(term).split("#")[0])
    return found


def test_every_iri_of_the_graph_is_redirected_to_its_path(w3id: W3id, kg: KnowledgeGraph) -> None:
    iris = our_iris(kg)
    assert len(iris) > 100
    for iri in sorted(iris):
        path = iri[len(BASE) :]
        status, headers, _ = fetch(f"{w3id.url}/shfz/{path}", HTML, follow=False)
        assert (status, headers.get("location")) == (303, f"{w3id.deployment}/{path}"), iri


def one_of_each_kind(kg: KnowledgeGraph) -> list[str]:
    """One path per kind of IRI: each id/KIND/, each graph, the ontology, each ontology version."""
    kinds: dict[str, str] = {}
    for iri in sorted(our_iris(kg)):
        path = iri[len(BASE) :]
        kind = path.rsplit("/", 1)[0] if path.startswith("id/") else path
        kinds.setdefault(kind, path)
    paths = [p for p in kinds.values() if p]
    assert {"ontology", "ontology/0.1.0", "graph/zones", "id/zone/huangpu"} <= set(paths) | {
        "id/zone/huangpu"
    }
    return paths


@pytest.mark.parametrize("suffix", list(FORMATS))
def test_every_kind_of_iri_reaches_its_rdf_by_accept_and_by_suffix(
    suffix: str, w3id: W3id, kg: KnowledgeGraph
) -> None:
    accept, media, parser = FORMATS[suffix]
    for path in one_of_each_kind(kg):
        for asked, sent in ((f"{path}{suffix}", None), (path, accept)):
            status, headers, _ = fetch(f"{w3id.url}/shfz/{asked}", sent, follow=False)
            assert (status, headers.get("location")) == (303, f"{w3id.deployment}/{path}{suffix}"), asked
            status, headers, body = fetch(f"{w3id.url}/shfz/{asked}", sent, follow=True)
            assert status == 200, (asked, body[:200])
            assert headers["content-type"].split(";")[0] == media, asked
            graph = Graph().parse(data=body, format=parser)
            iri = URIRef(BASE + path)
            if path.startswith("graph/"):  # the server describes the graph (VoID), with its true size
                size = len(kg.graph(path.removeprefix("graph/")))
                assert (iri, VOID.triples, Literal(size)) in graph, asked
            elif path.startswith("ontology"):
                assert (URIRef(BASE + "ontology"), RDF.type, OWL.Ontology) in graph, asked
            else:
                assert (iri, None, None) in graph, asked


def test_every_kind_of_iri_reaches_its_page_in_a_browser(w3id: W3id, kg: KnowledgeGraph) -> None:
    for path in one_of_each_kind(kg):
        status, headers, body = fetch(f"{w3id.url}/shfz/{path}", HTML, follow=True)
        assert status == 200, path
        assert headers["content-type"].startswith("text/html"), path
        assert b"<html" in body[:500].lower(), path
        assert f"{BASE}{path}".encode() in body, path  # the page of this IRI
    status, headers, _ = fetch(f"{w3id.url}/shfz/", HTML, follow=False)
    assert (status, headers.get("location")) == (303, f"{w3id.deployment}/")


@pytest.mark.parametrize(
    "path", ["nothing/here", "id/zone", "id/zone/huangpu/extra", "ontology.rdf2", "graph/"]
)
def test_other_paths_are_not_redirected(path: str, w3id: W3id) -> None:
    status, headers, _ = fetch(f"{w3id.url}/shfz/{path}", HTML, follow=False)
    assert status == 404 and "location" not in headers, path
