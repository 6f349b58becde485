"""Outlet profiles (``seeds/outlets.yaml``): how to recognise an outlet's pages, which prefix to cut, where
page chrome begins and how the dateline is written. A new outlet is a new profile, not new code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, field_validator

from toolkit._io import load_yaml, yaml_problem
from toolkit.errors import SeedError
from toolkit.seeds.store import DEFAULT_SEEDS_DIR

DEFAULT_PROFILES_PATH = DEFAULT_SEEDS_DIR / "outlets.yaml"
WEEKDAYS = {"Senin": 0, "Selasa": 1, "Rabu": 2, "Kamis": 3, "Jumat": 4, "Jum'at": 4, "Sabtu": 5, "Minggu": 6}


class OutletProfile(BaseModel):
    """How to find the body of one outlet's pages (see ``seeds/outlets.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1)]
    outlet: str | None = None
    detect: str | None = None
    prefix: str | None = None
    chrome_headings: tuple[str, ...] = ()
    related_headings: tuple[str, ...] = ()
    bullet: str | None = None
    dateline: str | None = None
    min_body_chars: int = 200

    @field_validator("detect", "prefix", "bullet", "dateline")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class OutletProfiles(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    profiles: tuple[OutletProfile, ...] = ()
    generic: OutletProfile

    def pick(self, page: str) -> OutletProfile:
        """The first profile whose ``detect`` pattern matches the start of the page, else generic."""
        for profile in self.profiles:
            if profile.detect and re.match(profile.detect, page):
                return profile
        return self.generic


def load_profiles(path: Path = DEFAULT_PROFILES_PATH) -> OutletProfiles:
    path = Path(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
        return OutletProfiles.model_validate(data)
    except OSError as exc:
        raise SeedError(f"{path}: cannot read outlet profiles ({exc.strerror}); pass --profiles PATH") from exc
    except yaml.YAMLError as exc:
        raise SeedError(f"{path}: outlet profiles: {yaml_problem(exc)}") from None
    except UnicodeDecodeError as exc:
        raise SeedError(f"{path}: outlet profiles are not UTF-8 (byte {exc.start}); save them as UTF-8") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SeedError(f"{path}: invalid outlet profiles: {problems}") from None
