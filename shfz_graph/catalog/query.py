"""A named query: its file, text, header fields and parameters, and the binding of a caller's values."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.term import Node

from shfz_graph.catalog.params import Parameter, ParamValue
from shfz_graph.errors import DeprecatedParameterName, ParameterError

__all__ = ["NamedQuery"]


@dataclass(frozen=True)
class NamedQuery:
    """A query file: its name (file stem), text, header fields and parameters."""

    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    network: bool = False
    method: str = "GET"
    _aliases: dict[str, Parameter] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        aliases: dict[str, Parameter] = {}
        for p in self.parameters:
            for alias in p.aliases:
                aliases.setdefault(alias, p)
        object.__setattr__(self, "_aliases", aliases)

    def parameter(self, name: str) -> Parameter:
        """The parameter called `name` (or `name_type`, or its variable); ParameterError if none.

        A name of the previous release (`min_area` for `minarea`) still finds its parameter, with a
        `DeprecatedParameterName` warning."""
        found = self._aliases.get(name)
        if found is not None:
            return found
        renamed = self.renamed(name)
        if renamed is not None:
            warnings.warn(DeprecatedParameterName(name, renamed.name), stacklevel=2)
            return renamed
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(f"query {self.name!r} has no parameter {name!r} (its parameters: {known})")

    def renamed(self, name: str) -> Parameter | None:
        """The parameter that `name` called before parameter names lost their `_` (`min_area`,
        `min_area_decimal`, `_min_area_decimal` -> `minarea`), or None."""
        core = name.removeprefix("?").lstrip("_")
        if "_" not in core:
            return None
        for p in self.parameters:
            old = core
            for suffix in dict.fromkeys((p.var.lstrip("_")[len(p.name) :], "_" + p.kind)):
                if suffix and old.endswith(suffix):
                    old = old[: -len(suffix)]
                    break
            if old.replace("_", "") == p.name:
                return p
        return None

    def bind(self, params: Mapping[str, ParamValue] | None = None) -> dict[str, Node]:
        """Variable name -> RDF term for the given values, defaults filled in, everything checked."""
        given: dict[str, tuple[str, ParamValue]] = {}
        for key, value in (params or {}).items():
            p = self.parameter(key)
            if p.name in given:
                raise ParameterError(
                    f"parameter {p.name!r} is given twice (as {given[p.name][0]!r} and {key!r})"
                )
            if value is not None:
                given[p.name] = (key, value)
        out: dict[str, Node] = {}
        for p in self.parameters:
            if p.name in given:
                out[p.var] = p.to_term(given[p.name][1])
            elif p.default is not None:
                out[p.var] = p.to_term(p.default)
            elif p.required:
                raise ParameterError(f"query {self.name!r} needs parameter {p.name!r} ({p.describe()})")
        return out
