"""Named queries: `queries/*.rq` with grlc-style `#+` headers and BASIL parameters, bound as RDF terms.

Header (the leading `#+` lines, a small strict subset of YAML, read without a YAML library)::

    #+ summary: Zones that focus on a given sector
    #+ description: Longer text.
    #+ tags:
    #+   - zones
    #+ defaults:
    #+   - sector_iri: https://w3id.org/shfz/id/sector/artificial-intelligence
    #+ enumerate:
    #+   - sector_iri:
    #+     - https://w3id.org/shfz/id/sector/artificial-intelligence
    #+ method: GET
    #+ network: true        (ours: the query is federated and needs network access)

Parameters follow the grlc/BASIL convention exactly as grlc 1.3 reads it, so that grlc can serve the
folder unchanged: a variable `?_name` is a string parameter, `?_name_iri` an IRI, `?_name_integer` an
xsd:integer, `?_name_xsd_TYPE` a literal of that XSD datatype (`?_minarea_xsd_decimal`), `?_name_en` a
literal in language `en` (two letters). `?__name...` (two underscores) is optional. A name has no `_` in
it (grlc would read the rest as a type): `?_min_area_decimal` is refused, with the spelling to use
instead. Defaults and enumerations are keyed by the name (`- minarea: 20`). Callers give the name
(`minarea`) or the variable (`_minarea_xsd_decimal`); the names of the previous release (`min_area`,
`min_area_decimal`) still work for one release, with a `DeprecatedParameterName` warning.

The package: `header` reads the `#+` lines, `xsd` holds the lexical rules of values, `params` the
parameter kinds and their naming convention, `query` the `NamedQuery` model, and `loader` reads files
into it. The names below are the public ones; import them from `shfz_graph.catalog`.
"""

from __future__ import annotations

from shfz_graph.catalog.loader import GRLC_KEYS, KNOWN_KEYS, catalog, get, load_query
from shfz_graph.catalog.params import Parameter, ParamValue
from shfz_graph.catalog.query import NamedQuery
from shfz_graph.catalog.xsd import IRI_SCHEMES, XSD_TYPES, iri_problem

__all__ = [
    "GRLC_KEYS",
    "IRI_SCHEMES",
    "KNOWN_KEYS",
    "XSD_TYPES",
    "NamedQuery",
    "ParamValue",
    "Parameter",
    "catalog",
    "get",
    "iri_problem",
    "load_query",
]
