"""shfz-graph: the linked-data knowledge graph of the Shanghai Pilot Free Trade Zone and its linked zones.

``shfz_graph.load(...)`` gives a :class:`KnowledgeGraph`; ``shfz_graph.catalog()`` lists the named queries.
Both are imported on first use, so that ``import shfz_graph`` stays cheap (no rdflib until needed).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["KnowledgeGraph", "__version__", "catalog", "load"]

if TYPE_CHECKING:
    from shfz_graph import catalog
    from shfz_graph.graph import KnowledgeGraph, load

_LAZY = {"load": "shfz_graph.graph", "KnowledgeGraph": "shfz_graph.graph"}


def __getattr__(name: str) -> Any:
    """Import ``load`` and ``KnowledgeGraph`` on first access."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _CallableModule(types.ModuleType):
    """The ``shfz_graph.catalog`` module, which can also be called as its own ``catalog()`` function."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.__dict__["catalog"](*args, **kwargs)


class _Package(types.ModuleType):
    """This package's module type: ``shfz_graph.catalog`` is the submodule (``.get``, ``.NamedQuery``...)
    and also the function (``shfz_graph.catalog()``), whichever was imported first."""

    @property
    def catalog(self) -> types.ModuleType:
        module = importlib.import_module("shfz_graph.catalog")
        if not isinstance(module, _CallableModule):
            module.__class__ = _CallableModule
        return module

    @catalog.setter
    def catalog(self, value: object) -> None:
        """The import system stores the submodule here after loading it; the getter reads sys.modules."""


sys.modules[__name__].__class__ = _Package
