"""HTTP content negotiation: parse `Accept`, pick the best of the media types we can answer with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MediaRange", "choose", "parse_accept"]


@dataclass(frozen=True)
class MediaRange:
    """One entry of an `Accept` header: `type/subtype` (either may be `*`) and its quality."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches `media_type`: 3 exact, 2 `type/*`, 1 `*/*`, 0 not at all."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 1
        if self.type != main:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == sub else 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an `Accept` header; malformed entries are skipped, a bad q counts as 0."""
    ranges: list[MediaRange] = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        kind = fields[0].lower()
        if "/" not in kind:
            if kind == "*":  # seen in the wild for */*
                kind = "*/*"
            else:
                continue
        main, _, sub = kind.partition("/")
        if not main or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers most (ties go to the earlier offer); None when it accepts none.

    No `Accept` header (or an empty one) accepts anything, so the first offer wins.
    """
    ranges = parse_accept(header)
    if not ranges:
        return offers[0] if offers else None
    best: str | None = None
    best_q = 0.0
    for offer in offers:
        specificity = 0
        q = 0.0
        for media_range in ranges:
            level = media_range.matches(offer)
            if level > specificity:
                specificity, q = level, media_range.q
        if q > best_q:
            best, best_q = offer, q
    return best
