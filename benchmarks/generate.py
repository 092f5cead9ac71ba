"""Synthetic graphs in the shfz vocabulary, for benchmarks: users' own data to load next to ours.

    python -m benchmarks generate --triples 100000 --seed 1 -o /tmp/synthetic-100k.ttl   (or .nt)
    python benchmarks/generate.py --triples 100000 --seed 1 -o /tmp/synthetic-100k.ttl   (the same)

Each programme of linked innovation zones comes with its municipality, the free trade zone it extends,
its announcement (a person holding a post in a government body), two source documents, a measure count,
and zones; each zone has a district, an area figure (a QUDT value in km², some approximate), sites of
the real site types (some only partly included), focus sectors and initiatives serving them; some
programmes also have a zone spread over comprehensive bonded areas; half the municipalities have a
(made-up) verified GeoNames link. Synthetic sectors, top concepts and narrower ones, join the real sector
scheme; their number grows with the graph, so each is the focus of a handful of zones. Labels are in
English and Chinese (`@en`, `@zh-Hans`); every thing cites a source document (`dcterms:source`), figures
also with `prov:wasDerivedFrom`.

The graph refers to things of the curated graph (the country, the sector scheme and its top sectors,
the site types) without describing them: it is meant to be loaded next to `data/*.ttl`, as
`load(extra_sources=[file])` does. The same `n_triples` and `seed` give the same triples, and the
output holds `n_triples` triples or up to one zone more (about 100 triples; at least one zone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

if __package__ in (None, "") and not any(Path(p, "shfz_graph").is_dir() for p in sys.path if p):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, not installed

from shfz_graph.progress import progress
from shfz_graph.vocab import GEO, ID, ORG, QUDT, SCHEMA, SHFZ, UNIT

__all__ = ["PREFIXES", "add_arguments", "generate", "main", "run", "triples", "write"]

Triple = tuple[URIRef, URIRef, URIRef | Literal]

# Pinyin syllables with a character each, combined into place names ("Anbaochang", "安宝长").
_SYLLABLES = (
    ("an", "安"), ("bao", "宝"), ("chang", "长"), ("dong", "东"), ("feng", "丰"), ("fu", "福"),
    ("gang", "港"), ("guang", "广"), ("hai", "海"), ("he", "和"), ("hong", "虹"), ("hua", "华"),
    ("huai", "淮"), ("jia", "嘉"), ("jin", "金"), ("jing", "京"), ("kang", "康"), ("lan", "兰"),
    ("li", "丽"), ("lin", "林"), ("long", "龙"), ("ming", "明"), ("nan", "南"), ("ning", "宁"),
    ("ping", "平"), ("qing", "青"), ("rui", "瑞"), ("shan", "山"), ("sheng", "盛"), ("shui", "水"),
    ("song", "松"), ("tai", "泰"), ("tian", "天"), ("wan", "湾"), ("wen", "文"), ("xi", "西"),
    ("xiang", "祥"), ("xin", "新"), ("xing", "兴"), ("yang", "阳"), ("yi", "怡"), ("yong", "永"),
    ("yuan", "源"), ("yun", "云"), ("zhen", "振"), ("zhong", "中"), ("zhou", "州"), ("ze", "泽"),
)  # fmt: skip
_SURNAMES = (
    ("chen", "陈"), ("wang", "王"), ("li", "李"), ("zhang", "张"), ("liu", "刘"), ("yang", "杨"),
    ("zhao", "赵"), ("huang", "黄"), ("zhou", "周"), ("wu", "吴"), ("xu", "徐"), ("sun", "孙"),
    ("hu", "胡"), ("zhu", "朱"), ("gao", "高"), ("lin", "林"), ("he", "何"), ("guo", "郭"),
)  # fmt: skip
# Adjective x noun = synthetic sectors ("green logistics", "绿色物流"); none clashes with a real sector.
_SECTOR_ADJECTIVES = (
    ("green", "绿色"), ("digital", "数字"), ("marine", "海洋"), ("smart", "智能"), ("advanced", "先进"),
    ("low-carbon", "低碳"), ("biomedical", "生物医药"), ("cross-border", "跨境"), ("aerospace", "航空航天"),
    ("creative", "创意"),
)  # fmt: skip
_SECTOR_NOUNS = (
    ("logistics", "物流"), ("finance", "金融"), ("manufacturing", "制造"), ("services", "服务"),
    ("materials", "材料"), ("energy", "能源"), ("healthcare", "医疗"), ("tourism", "旅游"),
    ("software", "软件"), ("retail", "零售"), ("agriculture", "农业"), ("data", "数据"),
)  # fmt: skip
# Real top sectors (the parents of synthetic ones) and other real sectors zones may focus on.
_REAL_TOP_SECTORS = (
    "financial-services", "international-trade", "shipping", "artificial-intelligence", "digital-economy",
    "technology-innovation", "intelligent-manufacturing", "cruise-economy", "green-supply-chains",
)  # fmt: skip
_REAL_OTHER_SECTORS = (
    "carbon-finance",
    "import-trade",
    "digital-trade",
    "online-new-economy",
    "green-shipping",
)
_AI = "artificial-intelligence"
# Real site types with the English and Chinese words that name a site of that type.
_SITE_TYPES = (
    ("landmark", "Tower", "塔"), ("public-square", "Square", "广场"), ("street", "Road", "路"),
    ("neighbourhood", "Quarter", "街区"), ("business-district", "Business District", "商务区"),
    ("technology-park", "Technology Park", "科技园"), ("waterfront", "Waterfront", "滨江"),
    ("innovation-area", "Innovation Area", "创新区"), ("tourism-resort", "Resort", "度假区"),
    ("functional-area", "Functional Area", "功能区"),
)  # fmt: skip
_INITIATIVES = (
    ("A public service platform for {s}", "Set up shared services that help firms in {s} grow."),
    ("Talent policies for {s}", "Attract and keep specialists in {s}."),
    ("Pilot rules for {s}", "Try out new rules that make {s} easier to do business in."),
    ("Financing for {s}", "Open more ways for companies in {s} to raise money."),
    ("International cooperation in {s}", "Work with partners abroad on {s}."),
)

PREFIXES = {
    "shfz": str(SHFZ),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "geo": str(GEO),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "qudt": str(QUDT),
    "unit": str(UNIT),
    "zone": str(ID) + "zone/",
    "district": str(ID) + "district/",
    "bonded": str(ID) + "bonded-area/",
    "site": str(ID) + "site/",
    "sitetype": str(ID) + "site-type/",
    "sector": str(ID) + "sector/",
    "init": str(ID) + "initiative/",
    "figure": str(ID) + "figure/",
    "source": str(ID) + "source/",
    "scheme": str(ID) + "scheme/",
    "agency": str(ID) + "organization/",
    "person": str(ID) + "person/",
    "post": str(ID) + "post/",
    "event": str(ID) + "event/",
    "programme": str(ID) + "programme/",
    "municipality": str(ID) + "municipality/",
    "link": str(ID) + "link/",
}

_CHINA = ID["country/china"]
_SECTORS = ID["scheme/sectors"]
_CATALOGUE = ID["source/synthetic-reference-list"]


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh-Hans")


def _date(day: dt.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


class _Names:
    """Unique place and person names drawn from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def place(self) -> tuple[str, str, str]:
        """(slug, English, Chinese) of a new three-syllable place name."""
        while True:
            parts = [self.rng.choice(_SYLLABLES) for _ in range(3)]
            slug = "".join(p for p, _ in parts)
            if slug not in self.used:
                self.used.add(slug)
                return slug, slug.capitalize(), "".join(h for _, h in parts)

    def person(self) -> tuple[str, str, str]:
        """(slug, English, Chinese) of a new person: surname and a two-syllable given name."""
        while True:
            surname, surname_zh = self.rng.choice(_SURNAMES)
            given = [self.rng.choice(_SYLLABLES) for _ in range(2)]
            given_en = "".join(p for p, _ in given)
            slug = f"{surname}-{given_en}"
            if slug not in self.used:
                self.used.add(slug)
                return (
                    slug,
                    f"{surname.capitalize()} {given_en.capitalize()}",
                    surname_zh + "".join(h for _, h in given),
                )


# About this many triples per zone, counting its share of its programme: sizes the sector scheme.
_TRIPLES_PER_ZONE = 80


@dataclass
class _Programme:
    """The names and IRIs of one programme and the things around it."""

    slug: str
    name: str
    name_zh: str
    province: int
    city: URIRef
    ftz: URIRef
    prog: URIRef
    body: URIRef
    post: URIRef
    person: URIRef
    person_name: str
    person_zh: str
    day: dt.date
    event: URIRef
    news: URIRef
    notice: URIRef
    measures: URIRef
    batch: URIRef
    measure: URIRef

    @property
    def sources(self) -> tuple[URIRef, URIRef]:
        return (self.news, self.notice)


class _Generator:
    """Emits the triples of one synthetic graph; `count` is how many were emitted so far.

    Sectors scale with the graph so that each is the focus of a handful of zones: the named queries that
    pair zones sharing a (top) sector then grow linearly with the data, not with its square.
    """

    def __init__(self, n_triples: int, seed: int) -> None:
        self.target = n_triples
        self.rng = random.Random(seed)
        self.names = _Names(self.rng)
        self.count = 0
        self.zones = 0
        self.programmes = 0
        self.codes = 0  # districts numbered so far, for their division codes
        self.last: _Programme | None = None  # the latest programme, whose free trade zone gets its parts
        zones = max(1, n_triples // _TRIPLES_PER_ZONE)
        self.n_top = max(2, zones // 8)
        self.n_narrower = max(6, zones // 2)
        self.p_ai = min(0.2, 100 / zones)  # about 100 zones at most focus on AI
        self.p_real = min(0.3, 200 / zones)  # and about 200 on another real sector
        combos = [(a, n) for a in _SECTOR_ADJECTIVES for n in _SECTOR_NOUNS]
        self.rng.shuffle(combos)
        self.sectors: list[tuple[URIRef, str, str]] = []  # IRI, English, Chinese
        for index in range(self.n_top + self.n_narrower):
            (adj, adj_zh), (noun, noun_zh) = combos[index % len(combos)]
            en, zh = f"{adj} {noun}", adj_zh + noun_zh
            if index >= len(combos):  # a local specialisation, named after a place
                _, place, place_zh = self.names.place()
                en, zh = f"{place} {en}", place_zh + zh
            self.sectors.append((ID["sector/" + en.lower().replace(" ", "-")], en, zh))
        self.top_sectors = [iri for iri, _, _ in self.sectors[: self.n_top]]
        self.narrower_sectors = [iri for iri, _, _ in self.sectors[self.n_top :]]
        self.real_sectors = [ID[f"sector/{s}"] for s in _REAL_TOP_SECTORS + _REAL_OTHER_SECTORS]
        self.sector_names = {iri: en for iri, en, _ in self.sectors} | {
            sector: str(sector).rsplit("/", 1)[1].replace("-", " ") for sector in self.real_sectors
        }

    def _emit(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> Triple:
        self.count += 1
        return (s, p, o)

    def _labels(self, s: URIRef, en: str, zh: str | None) -> Iterator[Triple]:
        yield self._emit(s, RDFS.label, _en(en))
        yield self._emit(s, SKOS.prefLabel, _en(en))
        if zh is not None:
            yield self._emit(s, RDFS.label, _zh(zh))
            yield self._emit(s, SKOS.prefLabel, _zh(zh))

    def _day(self, first_year: int, last_year: int) -> dt.date:
        start = dt.date(first_year, 1, 1).toordinal()
        end = dt.date(last_year, 12, 31).toordinal()
        return dt.date.fromordinal(self.rng.randint(start, end))

    def triples(self) -> Iterator[Triple]:
        """All triples: the sector catalogue, then programmes with zones until the target is reached."""
        yield from self._sectors()
        while self.count < self.target:
            yield from self._programme()
        if self.last is not None:
            yield from self._ftz_parts(self.last)

    def _sectors(self) -> Iterator[Triple]:
        e, src = self._emit, _CATALOGUE
        yield e(src, RDF.type, SHFZ.SourceDocument)
        yield from self._labels(src, "Synthetic reference list (benchmark data)", None)
        yield e(src, DCTERMS.type, Literal("reference list"))
        yield e(
            src,
            DCTERMS.description,
            _en("Generated list of sectors and links for benchmarks; not real data."),
        )
        for index, (sector, en, zh) in enumerate(self.sectors):
            yield e(sector, RDF.type, SHFZ.Sector)
            yield e(sector, SKOS.inScheme, _SECTORS)
            if index < self.n_top:
                yield e(sector, SKOS.topConceptOf, _SECTORS)
                yield e(_SECTORS, SKOS.hasTopConcept, sector)
            elif self.rng.random() < 0.1:
                yield e(sector, SKOS.broader, ID[f"sector/{self.rng.choice(_REAL_TOP_SECTORS)}"])
            else:
                yield e(sector, SKOS.broader, self.rng.choice(self.top_sectors))
            yield from self._labels(sector, en, zh)
            yield e(sector, SKOS.definition, _en(f"Businesses in {en} (a synthetic sector)."))
            yield e(sector, DCTERMS.source, src)

    def _focus(self) -> list[URIRef]:
        """Two or three focus sectors of a zone, mostly synthetic; AI for the first zone and a few more."""
        picks: list[URIRef] = []
        if self.zones == 1 or self.rng.random() < self.p_ai:
            picks.append(ID[f"sector/{_AI}"])
        if self.rng.random() < self.p_real:
            picks.append(self.rng.choice(self.real_sectors))
        wanted = self.rng.randint(2, 3)
        while len(picks) < wanted:
            pool = self.top_sectors if self.rng.random() < 0.2 else self.narrower_sectors
            sector = self.rng.choice(pool)
            if sector not in picks:
                picks.append(sector)
        return picks

    def _programme(self) -> Iterator[Triple]:
        """One programme: its municipality, free trade zone, batch, announcement, people, sources, zones."""
        rng, p = self.rng, self._new_programme()
        self.last = p
        yield from self._programme_places(p)
        yield from self._programme_batch(p)
        yield from self._programme_people(p)
        yield from self._programme_sources(p)
        prog, batch, city, province, ftz = p.prog, p.batch, p.city, p.province, p.ftz
        sources = p.sources
        n_zones = rng.randint(4, 8)
        previous: URIRef | None = None
        for index in range(n_zones):
            if index > 0 and self.count >= self.target:
                return
            previous = yield from self._zone(
                prog,
                batch,
                (city, province),
                ftz,
                sources,
                bonded=index == n_zones - 1 and rng.random() < 0.4,
                previous=previous,
            )

    def _new_programme(self) -> _Programme:
        """The names, IRIs and date of the next programme."""
        self.programmes += 1
        # a made-up province-level code per programme (11..89, then round again), as GB/T 2260 writes them
        province = 11 + (self.programmes - 1) % 79
        slug, name, name_zh = self.names.place()
        city = ID[f"municipality/{slug}"]
        ftz = ID[f"zone/{slug}-pilot-free-trade-zone"]
        prog = ID[f"programme/{slug}-linked-innovation-zones"]
        body = ID[f"organization/{slug}-development-and-reform-commission"]
        post = ID[f"post/deputy-director-{slug}-development-and-reform-commission"]
        person_slug, person_name, person_zh = self.names.person()
        person = ID[f"person/{person_slug}"]
        day = self._day(2015, 2025)
        event = ID[f"event/{slug}-press-briefing-{day.isoformat()}"]
        news = ID[f"source/{slug}-news-{day.isoformat()}"]
        notice = ID[f"source/{slug}-notice-{day.year}"]
        measures = ID[f"figure/{slug}-measures"]
        batch = ID[f"batch/{slug}-first"]
        measure = ID[f"measure/{slug}-simpler-procedures"]
        return _Programme(
            slug=slug,
            name=name,
            name_zh=name_zh,
            province=province,
            city=city,
            ftz=ftz,
            prog=prog,
            body=body,
            post=post,
            person=person,
            person_name=person_name,
            person_zh=person_zh,
            day=day,
            event=event,
            news=news,
            notice=notice,
            measures=measures,
            batch=batch,
            measure=measure,
        )

    def _programme_places(self, p: _Programme) -> Iterator[Triple]:
        """The municipality, the free trade zone and the programme."""
        e, rng = self._emit, self.rng
        slug, name, name_zh, province, city = p.slug, p.name, p.name_zh, p.province, p.city
        ftz, prog, day, event, news = p.ftz, p.prog, p.day, p.event, p.news
        batch = p.batch
        sources = p.sources
        yield e(city, RDF.type, SHFZ.Municipality)
        yield from self._labels(city, name, name_zh + "市")
        yield e(city, SHFZ.divisionCode, Literal(f"{province}0000"))
        yield e(city, SHFZ.locatedIn, _CHINA)
        yield e(city, DCTERMS.source, news)
        if rng.random() < 0.5:
            yield from self._link(slug, city, day)

        yield e(ftz, RDF.type, SHFZ.FreeTradeZone)
        yield from self._labels(ftz, f"{name} Pilot Free Trade Zone", f"{name_zh}自由贸易试验区")
        yield e(ftz, SHFZ.establishedOn, _date(self._day(2013, 2014)))
        yield e(ftz, SHFZ.locatedIn, city)
        yield e(ftz, DCTERMS.source, news)

        yield e(prog, RDF.type, SHFZ.Programme)
        yield from self._labels(prog, f"{name} linked innovation zones", f"{name_zh}联动创新区")
        yield e(
            prog, DCTERMS.description, _en(f"{name}'s plan to carry its free trade zone's reforms further.")
        )
        yield e(prog, SHFZ.aim, _en(f"Repeat elsewhere in {name} what has worked in the free trade zone."))
        yield e(prog, SHFZ.aim, _en("Give each zone sectors of its own."))
        yield e(prog, SHFZ.extends, ftz)
        yield e(prog, SHFZ.launchedIn, city)
        yield e(prog, SHFZ.announcedAt, event)
        yield e(prog, SHFZ.hasBatch, batch)
        for source in sources:
            yield e(prog, DCTERMS.source, source)

    def _ftz_parts(self, p: _Programme) -> Iterator[Triple]:
        """The free trade zone's total area, an area added in its first stage, its approval milestone: for
        the last programme only, past the target, so the rest of the graph is as it was before (issue 19)."""
        e, ftz, news, name = self._emit, p.ftz, p.news, p.name
        day = dt.date(2013, 1, 1) + dt.timedelta(days=p.province)
        stage, milestone = ID[f"expansion/{p.slug}-first"], ID[f"event/{p.slug}-ftz-approval"]
        total = ID[f"figure/{p.slug}-ftz-area"]
        yield e(ftz, SHFZ.hasArea, total)
        yield from self._figure(total, f"area of the {name} Pilot Free Trade Zone", Decimal("119.5"), news)
        yield e(total, SHFZ.areaOf, ftz)
        yield e(stage, RDF.type, SHFZ.Expansion)
        yield from self._labels(stage, f"{name} FTZ: its first areas", None)
        yield e(stage, SHFZ.expansionOf, ftz)
        yield e(ftz, SHFZ.hasExpansion, stage)
        yield e(stage, SHFZ.occurredOn, _date(day))
        yield e(stage, DCTERMS.source, news)
        for part, size in (("north", Decimal("60.0")),):
            area, figure = ID[f"ftz-area/{p.slug}-{part}"], ID[f"figure/{p.slug}-ftz-{part}-area"]
            yield e(area, RDF.type, SHFZ.FreeTradeZoneArea)
            yield from self._labels(area, f"{name} {part} area", None)
            yield e(area, SHFZ.partOfZone, ftz)
            yield e(ftz, SHFZ.hasZonePart, area)
            yield e(area, SHFZ.addedIn, stage)
            yield e(stage, SHFZ.addsArea, area)
            yield e(area, SHFZ.hasArea, figure)
            yield e(area, DCTERMS.source, news)
            yield from self._figure(figure, f"area of the {name} {part} area", size, news)
            yield e(figure, SHFZ.areaOf, area)
        yield e(milestone, RDF.type, SHFZ.Milestone)
        yield from self._labels(milestone, f"{name} Pilot Free Trade Zone approved", None)
        yield e(milestone, DCTERMS.type, Literal("approval"))
        yield e(milestone, SHFZ.occurredOn, _date(day))
        yield e(milestone, SHFZ.milestoneOf, ftz)
        yield e(ftz, SHFZ.hasMilestone, milestone)
        yield e(milestone, DCTERMS.source, news)

    def _figure(self, figure: URIRef, label: str, size: Decimal, news: URIRef) -> Iterator[Triple]:
        """An area figure in km², given plainly, with its source (the caller states what it measures)."""
        e = self._emit
        yield e(figure, RDF.type, SHFZ.Figure)
        yield from self._labels(figure, label, None)
        yield e(figure, QUDT.numericValue, Literal(size))
        yield e(figure, QUDT.hasUnit, UNIT.KiloM2)
        yield e(figure, SHFZ.isApproximate, Literal(False))
        yield e(figure, PROV.wasDerivedFrom, news)
        yield e(figure, DCTERMS.source, news)

    def _programme_batch(self, p: _Programme) -> Iterator[Triple]:
        """The first batch, its measure and the figure counting its measures."""
        e, rng = self._emit, self.rng
        name, prog, day, notice, measures = p.name, p.prog, p.day, p.notice, p.measures
        batch, measure = p.batch, p.measure
        yield e(batch, RDF.type, SHFZ.Batch)
        yield from self._labels(batch, f"First batch of the {name} linked innovation zones", None)
        yield e(batch, SHFZ.batchOf, prog)
        yield e(batch, SHFZ.announcedOn, _date(day))
        yield e(batch, SHFZ.hasNotice, notice)
        yield e(notice, SHFZ.noticeOf, batch)
        yield e(batch, SHFZ.hasMeasureCount, measures)
        yield e(batch, SHFZ.hasMeasure, measure)
        yield e(batch, DCTERMS.source, notice)

        yield e(measure, RDF.type, SHFZ.Measure)
        yield from self._labels(measure, "Simpler procedures", None)
        yield e(measure, DCTERMS.description, _en("Make procedures simpler for firms in every zone."))
        yield e(measure, SHFZ.measureOf, batch)
        yield e(measure, DCTERMS.source, notice)

        yield e(measures, RDF.type, SHFZ.Figure)
        yield from self._labels(measures, f"measures of the {name} programme", None)
        yield e(measures, DCTERMS.description, _en("Number of the programme's measures."))
        yield e(measures, QUDT.numericValue, Literal(Decimal(rng.randint(10, 90))))
        yield e(measures, QUDT.hasUnit, UNIT.NUM)
        yield e(measures, SHFZ.isApproximate, Literal(False))
        yield e(measures, SHFZ.measureCountOf, batch)
        yield e(measures, PROV.wasDerivedFrom, notice)
        yield e(measures, DCTERMS.source, notice)

    def _programme_people(self, p: _Programme) -> Iterator[Triple]:
        """The announcement, the government body, the post and the person holding it."""
        e = self._emit
        name, name_zh, prog, body, post = p.name, p.name_zh, p.prog, p.body, p.post
        person, person_name, person_zh, day, event = p.person, p.person_name, p.person_zh, p.day, p.event
        news, notice = p.news, p.notice
        yield e(event, RDF.type, SHFZ.Announcement)
        yield from self._labels(event, f"Press briefing on the {name} linked innovation zones", None)
        yield e(event, SHFZ.occurredOn, _date(day))
        yield e(event, SHFZ.announcedBy, person)
        yield e(event, SHFZ.announces, prog)
        yield e(event, SHFZ.reportedIn, news)
        yield e(event, DCTERMS.source, news)

        yield e(body, RDF.type, SHFZ.GovernmentBody)
        yield from self._labels(
            body, f"{name} Development and Reform Commission", f"{name_zh}市发展和改革委员会"
        )
        yield e(body, ORG.hasPost, post)
        yield e(body, DCTERMS.source, notice)

        yield e(post, RDF.type, SHFZ.Post)
        yield from self._labels(post, f"Deputy Director, {name} Development and Reform Commission", None)
        yield e(post, ORG.postIn, body)
        yield e(post, ORG.heldBy, person)
        yield e(post, DCTERMS.source, news)

        yield e(person, RDF.type, SHFZ.Person)
        yield from self._labels(person, person_name, person_zh)
        yield e(person, ORG.holds, post)
        yield e(person, ORG.memberOf, body)
        yield e(person, SHFZ.presented, event)
        yield e(person, DCTERMS.source, news)

    def _programme_sources(self, p: _Programme) -> Iterator[Triple]:
        """The news article and the official notice."""
        e, rng = self._emit, self.rng
        slug, name, name_zh, body, day = p.slug, p.name, p.name_zh, p.body, p.day
        event, news, notice = p.event, p.news, p.notice
        yield e(news, RDF.type, SHFZ.SourceDocument)
        yield from self._labels(news, f"{name} announces linked innovation zones", None)
        yield e(news, DCTERMS.issued, _date(day + dt.timedelta(days=1)))
        yield e(news, DCTERMS.language, Literal("en"))
        yield e(news, DCTERMS.type, Literal("news article"))
        yield e(news, SCHEMA.url, URIRef(f"https://news.example.org/{slug}/{day.isoformat()}"))
        yield e(news, SHFZ.reports, event)
        yield e(notice, RDF.type, SHFZ.SourceDocument)
        yield from self._labels(
            notice, f"Notice on the {name} linked innovation zones", f"关于{name_zh}联动创新区的通知"
        )
        yield e(notice, DCTERMS.issued, _date(day + dt.timedelta(days=rng.randint(2, 20))))
        yield e(notice, DCTERMS.language, Literal("zh-Hans"))
        yield e(notice, DCTERMS.type, Literal("official notice"))
        yield e(notice, SCHEMA.url, URIRef(f"https://gov.example.org/{slug}/notice-{day.year}"))
        yield e(notice, SHFZ.issuedBy, body)

    def _link(self, slug: str, city: URIRef, day: dt.date) -> Iterator[Triple]:
        """A (made-up) link of a municipality to GeoNames, asserted and recorded as a verified statement."""
        e = self._emit
        target = URIRef(f"https://sws.geonames.org/{self.rng.randint(10_000_000, 99_999_999)}/")
        link = ID[f"link/{slug}-geonames"]
        yield e(city, SKOS.closeMatch, target)
        yield e(link, RDF.type, RDF.Statement)
        yield e(link, RDF.type, PROV.Entity)
        yield e(link, RDF.subject, city)
        yield e(link, RDF.predicate, SKOS.closeMatch)
        yield e(link, RDF.object, target)
        yield e(link, SKOS.note, _en("A synthetic link for benchmarks; the target is made up."))
        yield e(link, SHFZ.linkStatus, Literal("verified"))
        yield e(link, PROV.wasDerivedFrom, _CATALOGUE)
        yield e(link, DCTERMS.source, _CATALOGUE)
        yield e(link, DCTERMS.created, _date(day))

    def _zone(
        self,
        prog: URIRef,
        batch: URIRef,
        place: tuple[URIRef, int],
        ftz: URIRef,
        sources: tuple[URIRef, URIRef],
        *,
        bonded: bool,
        previous: URIRef | None,
    ) -> Generator[Triple, None, URIRef]:
        """One zone of the programme's batch; returns its IRI. Some zones have no stated area (as several of
        Shanghai's second batch) and some share ground with the zone before them."""
        e, rng = self._emit, self.rng
        city = place[0]
        self.zones += 1
        news = sources[0]
        slug, name, name_zh = self.names.place()
        zone = ID[f"zone/{slug}"]
        area = ID[f"figure/{slug}-zone-area"]
        size = Decimal(rng.randint(20, 600)) / 10
        approximate = rng.random() < 0.5
        has_area = self.zones == 1 or rng.random() >= 0.1

        yield e(prog, SHFZ.hasZone, zone)
        yield e(zone, RDF.type, SHFZ.LinkedInnovationZone)
        yield from self._labels(zone, f"{name} linked innovation zone", f"{name_zh}联动创新区")
        yield e(
            zone,
            DCTERMS.description,
            _en(
                f"A synthetic zone of {'about ' if approximate else ''}{size} km²."
                if has_area
                else "A synthetic zone for which no area is stated."
            ),
        )
        yield e(zone, SHFZ.partOfProgramme, prog)
        yield e(zone, SHFZ.inBatch, batch)
        yield e(batch, SHFZ.designatesZone, zone)
        if has_area:
            yield e(zone, SHFZ.hasArea, area)
        overlaps = previous is not None and rng.random() < 0.1
        if previous is not None and (overlaps or bonded):  # a bonded-area zone always: the map marks it there
            yield e(zone, SHFZ.overlapsZone, previous)
            yield e(previous, SHFZ.overlapsZone, zone)
        for source in sources:
            yield e(zone, DCTERMS.source, source)

        if bonded:
            yield from self._bonded_areas(zone, city, ftz, sources)
        else:
            yield from self._district(zone, (slug, name, name_zh), place, sources)
            yield from self._sites(zone, news)
        if has_area:
            yield from self._area(area, zone, name, size, approximate, news)
        yield from self._initiatives(zone, slug, news)
        return zone

    def _bonded_areas(
        self, zone: URIRef, city: URIRef, ftz: URIRef, sources: tuple[URIRef, URIRef]
    ) -> Iterator[Triple]:
        """Two or three comprehensive bonded areas a zone spreads over, partly outside the free trade zone."""
        e, rng = self._emit, self.rng
        yield e(zone, SHFZ.locatedIn, city)
        for _ in range(rng.randint(2, 3)):
            b_slug, b_name, b_zh = self.names.place()
            area_b = ID[f"bonded-area/{b_slug}"]
            yield e(zone, SHFZ.inBondedArea, area_b)
            yield e(area_b, RDF.type, SHFZ.ComprehensiveBondedArea)
            yield from self._labels(area_b, f"{b_name} Comprehensive Bonded Area", f"{b_zh}综合保税区")
            yield e(area_b, SHFZ.locatedIn, city)
            yield e(area_b, SHFZ.partlyOutside, ftz)
            yield e(area_b, SHFZ.hostsPartOf, zone)
            yield e(area_b, DCTERMS.source, sources[1])

    def _district(
        self,
        zone: URIRef,
        names: tuple[str, str, str],
        place: tuple[URIRef, int],
        sources: tuple[URIRef, URIRef],
    ) -> Iterator[Triple]:
        """The zone's district, with a division code under the programme's province."""
        e, rng = self._emit, self.rng
        (slug, name, name_zh), (city, province) = names, place
        district = ID[f"district/{slug}"]
        yield e(zone, SHFZ.inDistrict, district)
        yield e(district, RDF.type, SHFZ.District)
        yield from self._labels(district, f"{name} District", f"{name_zh}区")
        self.codes += 1
        code = f"{province}{1 + (self.codes - 1) % 99:02d}{self.codes // 99 % 100:02d}"
        yield e(district, SHFZ.divisionCode, Literal(code))
        yield e(district, SHFZ.locatedIn, city)
        if rng.random() < 0.3:
            yield e(district, SHFZ.isSuburban, Literal(True))
        for source in sources:
            yield e(district, DCTERMS.source, source)

    def _sites(self, zone: URIRef, news: URIRef) -> Iterator[Triple]:
        """Two to four sites of real site types in (or partly in) the zone."""
        e, rng = self._emit, self.rng
        for _ in range(rng.randint(2, 4)):
            s_slug, s_name, s_zh = self.names.place()
            type_slug, type_en, type_zh = rng.choice(_SITE_TYPES)
            site = ID[f"site/{s_slug}-{type_en.lower().replace(' ', '-')}"]
            partly = rng.random() < 0.15
            yield e(zone, SHFZ.partlyIncludes if partly else SHFZ.includesSite, site)
            yield e(site, RDF.type, SHFZ.Site)
            yield e(site, SHFZ.siteType, ID[f"site-type/{type_slug}"])
            yield from self._labels(
                site, f"{s_name} {type_en}", s_zh + type_zh if rng.random() < 0.6 else None
            )
            yield e(site, SHFZ.partlyIn if partly else SHFZ.siteIn, zone)
            yield e(site, DCTERMS.source, news)

    def _area(
        self, area: URIRef, zone: URIRef, name: str, size: Decimal, approximate: bool, news: URIRef
    ) -> Iterator[Triple]:
        """The zone's area figure, in km², some approximate."""
        e = self._emit
        yield e(area, RDF.type, SHFZ.Figure)
        yield from self._labels(area, f"area of the {name} zone", None)
        yield e(area, QUDT.numericValue, Literal(size))
        yield e(area, QUDT.hasUnit, UNIT.KiloM2)
        yield e(area, SHFZ.isApproximate, Literal(approximate))
        yield e(area, SHFZ.areaOf, zone)
        yield e(area, PROV.wasDerivedFrom, news)
        yield e(area, DCTERMS.source, news)

    def _initiatives(self, zone: URIRef, slug: str, news: URIRef) -> Iterator[Triple]:
        """The zone's focus sectors and two or three initiatives serving them."""
        e, rng = self._emit, self.rng
        focus = self._focus()
        for sector in focus:
            yield e(zone, SHFZ.hasFocusSector, sector)
        kinds = rng.sample(range(len(_INITIATIVES)), rng.randint(2, 3))
        for number, kind in enumerate(kinds, start=1):
            sector = focus[number % len(focus)]
            title, description = _INITIATIVES[kind]
            initiative = ID[f"initiative/{slug}-{number}"]
            sector_name = self.sector_names[sector]
            yield e(zone, SHFZ.hasInitiative, initiative)
            yield e(initiative, RDF.type, SHFZ.Initiative)
            yield from self._labels(initiative, title.format(s=sector_name), None)
            yield e(initiative, DCTERMS.description, _en(description.format(s=sector_name)))
            yield e(initiative, SHFZ.initiativeOf, zone)
            yield e(initiative, SHFZ.servesSector, sector)
            yield e(initiative, DCTERMS.source, news)


def triples(n_triples: int, seed: int) -> Iterator[Triple]:
    """The triples of the synthetic graph for `n_triples` and `seed`, in a fixed order (no duplicates)."""
    if n_triples < 1:
        raise ValueError(f"n_triples must be positive (got {n_triples})")
    return _Generator(n_triples, seed).triples()


def generate(n_triples: int, seed: int) -> Graph:
    """The synthetic graph as an rdflib Graph (with our prefixes bound); same arguments, same triples."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    add = graph.add
    with progress(n_triples, "generate") as bar:
        for i, triple in enumerate(triples(n_triples, seed), start=1):
            add(triple)
            if i % 10_000 == 0:
                bar.update(10_000)
        bar.done = len(graph)
    return graph


def write(n_triples: int, seed: int, path: Path | str) -> int:
    """Write the synthetic graph to `path` (Turtle for .ttl, N-Triples for .nt); returns the triple count.

    Streams the triples through pyoxigraph's serializer (the `oxigraph` extra): no rdflib Graph is
    built, so 10^6 triples take seconds, not minutes.
    """
    import pyoxigraph as ox

    target = Path(path)
    formats = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}
    if target.suffix not in formats:
        raise ValueError(f"output must end in .ttl or .nt (got {target.name})")
    nodes: dict[URIRef, ox.NamedNode] = {}
    datatypes: dict[URIRef, ox.NamedNode] = {}
    count = 0

    def node(term: URIRef) -> ox.NamedNode:
        found = nodes.get(term)
        if found is None:
            found = nodes[term] = ox.NamedNode(str(term))
        return found

    def converted(bar: object) -> Iterator[ox.Triple]:
        nonlocal count
        for s, p, o in triples(n_triples, seed):
            if isinstance(o, Literal):
                if o.language:
                    obj: ox.NamedNode | ox.Literal = ox.Literal(str(o), language=o.language)
                elif o.datatype is None:
                    obj = ox.Literal(str(o))
                else:
                    dtype = datatypes.get(o.datatype)
                    if dtype is None:
                        dtype = datatypes[o.datatype] = ox.NamedNode(str(o.datatype))
                    obj = ox.Literal(str(o), datatype=dtype)
            else:
                obj = node(o)
            count += 1
            if count % 10_000 == 0:
                bar.update(10_000)  # type: ignore[attr-defined]
            yield ox.Triple(node(s), node(p), obj)

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    try:
        with progress(n_triples, f"generate {target.name}") as bar:
            prefixes = PREFIXES if formats[target.suffix] == ox.RdfFormat.TURTLE else None
            ox.serialize(converted(bar), tmp, formats[target.suffix], prefixes=prefixes)
            bar.done = count
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the command line (also `python -m benchmarks generate`)."""
    parser.add_argument("--triples", type=int, default=10_000, help="number of triples (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output file, .ttl or .nt")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Write the graph the options ask for; a bad option is the parser's usage error."""
    try:
        count = write(args.triples, args.seed, args.output)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"{count} triples -> {args.output}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: write a synthetic graph of about --triples triples to -o FILE.ttl|FILE.nt."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv), parser)


if __name__ == "__main__":
    sys.exit(main())
