"""Dwellings as columns, so rules and scores are evaluated per client over all dwellings at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .domain import Dwelling


def _codes(values: Sequence[str | None]) -> tuple[np.ndarray, dict[str, int]]:
    """Small integer per distinct code (-1 for None), and the code -> integer map."""
    index: dict[str, int] = {}
    out = np.empty(len(values), dtype=np.int32)
    for i, v in enumerate(values):
        out[i] = -1 if v is None else index.setdefault(v, len(index))
    return out, index


def lookup(index: dict[str, int], codes: Iterable[str]) -> np.ndarray:
    """Integer codes of the given strings that occur in ``index`` (unknown ones are dropped)."""
    return np.array(sorted(index[c] for c in codes if c in index), dtype=np.int32)


@dataclass(frozen=True, slots=True)
class DwellingTable:
    dwellings: tuple[Dwelling, ...]
    rent: np.ndarray
    bedrooms: np.ndarray
    available: np.ndarray  # date ordinal
    step_free: np.ndarray
    ground_or_lift: np.ndarray
    wheelchair: np.ndarray
    stopped: np.ndarray
    neighbourhood: np.ndarray
    district: np.ndarray
    municipality: np.ndarray
    vulnerable: np.ndarray
    capacity: np.ndarray
    neighbourhood_index: dict[str, int]
    district_index: dict[str, int]
    municipality_index: dict[str, int]
    target_index: dict[str, int]
    target_mask: np.ndarray  # bitmask of allowed target groups; 0 = any
    by_municipality: dict[int, np.ndarray]  # dwelling positions per municipality code

    @classmethod
    def build(cls, dwellings: Iterable[Dwelling]) -> DwellingTable:
        ds = tuple(dwellings)
        nb, nb_index = _codes([d.neighbourhood for d in ds])
        wk, wk_index = _codes([d.district for d in ds])
        gm, gm_index = _codes([d.municipality for d in ds])
        target_index: dict[str, int] = {}
        for d in ds:
            for t in sorted(d.target_groups):
                target_index.setdefault(t, len(target_index))
        if len(target_index) > 62:
            raise ValueError("at most 62 distinct contingent target groups are supported")
        mask = np.array(
            [sum(1 << target_index[t] for t in d.target_groups) for d in ds], dtype=np.int64
        )
        order = np.argsort(gm, kind="stable")
        starts: list[int] = (
            np.flatnonzero(np.r_[True, gm[order][1:] != gm[order][:-1]]).tolist() if ds else []
        )
        by_gm = {
            int(gm[order[s]]): order[s:e]
            for s, e in zip(starts, [*starts[1:], len(ds)][: len(starts)], strict=True)
        }
        return cls(
            dwellings=ds,
            rent=np.array([d.rent for d in ds], dtype=np.float64),
            bedrooms=np.array([d.bedrooms for d in ds], dtype=np.int32),
            available=np.array([d.available_from.toordinal() for d in ds], dtype=np.int64),
            step_free=np.array([d.step_free for d in ds], dtype=bool),
            ground_or_lift=np.array([d.ground_floor or d.lift for d in ds], dtype=bool),
            wheelchair=np.array([d.wheelchair for d in ds], dtype=bool),
            stopped=np.array([d.complex_stopped for d in ds], dtype=bool),
            neighbourhood=nb,
            district=wk,
            municipality=gm,
            vulnerable=np.array([d.stairwell_vulnerable for d in ds], dtype=np.int32),
            capacity=np.array([d.neighbourhood_capacity for d in ds], dtype=np.float64),
            neighbourhood_index=nb_index,
            district_index=wk_index,
            municipality_index=gm_index,
            target_index=target_index,
            target_mask=mask,
            by_municipality=by_gm,
        )
