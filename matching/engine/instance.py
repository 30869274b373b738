"""Reading and validating a ``woonbrug-matching/1`` instance into compact numpy arrays.

The instance format is fixed in ``shared/matching/INSTANCE_FORMAT.md``. An XL instance holds
millions of candidate pairs, so everything after the JSON parse works on arrays: ids become
small integers once, and the solvers never touch the original dicts again (except to copy
extra keys of the few chosen pairs into the solution).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson

FORMAT = "woonbrug-matching/1"


class InstanceError(ValueError):
    """The instance (or solution) is malformed; the message is one line meant for a person."""


@dataclass(frozen=True, slots=True)
class Instance:
    """A validated instance, in array form.

    Candidates are stored in canonical order (by client position, then dwelling position), so
    the order in which a file lists its candidates never changes the answer.
    """

    client_ids: list[str]
    dwelling_ids: list[str]
    cand_client: np.ndarray  # int32, index into client_ids
    cand_dwelling: np.ndarray  # int32, index into dwelling_ids
    cand_score: np.ndarray  # float64, > 0
    group_ids: list[str]
    group_caps: np.ndarray  # int64, >= 0
    group_members: list[np.ndarray]  # per group: sorted unique dwelling indices (int32)
    client_priority: np.ndarray | None = None  # float64, higher first (greedy baseline only)
    # The file's candidate dicts and, per canonical candidate, its position there: used to
    # pass extra keys of the few chosen pairs through without reordering millions of dicts.
    raw_candidates: Sequence[Mapping[str, Any]] | None = field(default=None, repr=False)
    cand_source: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_clients(self) -> int:
        return len(self.client_ids)

    @property
    def n_dwellings(self) -> int:
        return len(self.dwelling_ids)

    @property
    def n_candidates(self) -> int:
        return int(self.cand_score.shape[0])


def load_instance(path: str | os.PathLike[str]) -> Instance:
    """Read and validate an instance file; raises :class:`InstanceError` on any problem."""
    return parse_instance(read_json(path, what="instance"))


def read_json(path: str | os.PathLike[str], *, what: str) -> Any:
    """Read a JSON file, turning every I/O or syntax problem into an :class:`InstanceError`."""
    try:
        # Plain open(): pathlib's import (urllib, ipaddress) would be most of this module's.
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise InstanceError(f"cannot read {what} file {str(path)!r}: {exc.strerror}") from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InstanceError(f"{what} is not valid JSON: {exc}") from None


def _require_list(doc: Mapping[str, Any], key: str, *, required: bool = True) -> list[Any]:
    value = doc.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise InstanceError(f"instance key {key!r} must be a list")
    return value


def _ids(items: list[Any], kind: str) -> tuple[list[str], dict[str, int]]:
    """Ids of clients or dwellings: strings, unique."""
    try:
        ids = [item["id"] for item in items]
    except (TypeError, KeyError):
        bad = next(
            i for i, item in enumerate(items) if not isinstance(item, dict) or "id" not in item
        )
        raise InstanceError(f"{kind}[{bad}] must be an object with an 'id'") from None
    for i, value in enumerate(ids):
        if type(value) is not str or not value:
            raise InstanceError(f"{kind}[{i}].id must be a non-empty string")
    index = {value: i for i, value in enumerate(ids)}
    if len(index) != len(ids):
        seen: set[str] = set()
        dup = ""
        for value in ids:
            if value in seen:
                dup = value
                break
            seen.add(value)
        raise InstanceError(f"duplicate {kind[:-1]} id {dup!r}")
    return ids, index


def _map_ids(values: list[Any], index: dict[str, int], what: str) -> np.ndarray:
    """Map candidate ids to positions; unknown ids raise with the first offender named."""
    try:
        return np.fromiter(map(index.__getitem__, values), dtype=np.int32, count=len(values))
    except (KeyError, TypeError):
        pos = next(i for i, v in enumerate(values) if not isinstance(v, str) or v not in index)
        raise InstanceError(f"candidates[{pos}] refers to unknown {what} {values[pos]!r}") from None


def _scores(values: list[Any]) -> np.ndarray:
    # bool is an int subclass and NaN/inf are floats: neither is a meaningful score.
    if not set(map(type, values)) <= {int, float}:
        pos = next(i for i, v in enumerate(values) if type(v) not in (int, float))
        raise InstanceError(f"candidates[{pos}].score must be a number, got {values[pos]!r}")
    scores = np.array(values, dtype=np.float64)
    bad = ~(np.isfinite(scores) & (scores > 0))
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InstanceError(
            f"candidates[{pos}].score must be a finite number > 0, got {values[pos]!r}"
        )
    return scores


def parse_instance(doc: Any) -> Instance:
    """Validate a decoded instance document and convert it to arrays.

    Raises :class:`InstanceError` with a one-line message for: a wrong ``format``, missing lists,
    duplicate or non-string ids, unknown ids in candidates or groups, non-positive or
    non-numeric scores, duplicate client/dwelling pairs, and caps that are not integers >= 0.
    """
    if not isinstance(doc, dict):
        raise InstanceError("instance must be a JSON object")
    if doc.get("format") != FORMAT:
        raise InstanceError(f"instance format must be {FORMAT!r}, got {doc.get('format')!r}")
    clients = _require_list(doc, "clients")
    dwellings = _require_list(doc, "dwellings")
    candidates = _require_list(doc, "candidates")
    groups = _require_list(doc, "groups", required=False)

    client_ids, client_index = _ids(clients, "clients")
    dwelling_ids, dwelling_index = _ids(dwellings, "dwellings")

    try:
        cand_clients = [c["client"] for c in candidates]
        cand_dwellings = [c["dwelling"] for c in candidates]
        cand_scores = [c["score"] for c in candidates]
    except (TypeError, KeyError):
        pos = next(
            i
            for i, c in enumerate(candidates)
            if not isinstance(c, dict) or not {"client", "dwelling", "score"} <= c.keys()
        )
        raise InstanceError(
            f"candidates[{pos}] must be an object with 'client', 'dwelling' and 'score'"
        ) from None
    ci = _map_ids(cand_clients, client_index, "client")
    di = _map_ids(cand_dwellings, dwelling_index, "dwelling")
    scores = _scores(cand_scores)
    del cand_clients, cand_dwellings, cand_scores

    # Canonical order; also exposes duplicate pairs as equal neighbours.
    key = ci.astype(np.int64) * max(len(dwelling_ids), 1) + di
    order = np.argsort(key, kind="stable")
    key = key[order]
    dups = np.flatnonzero(key[1:] == key[:-1])
    if dups.size:
        first = int(order[dups[0] + 1])
        raise InstanceError(
            f"duplicate candidate pair (client {client_ids[ci[first]]!r}, "
            f"dwelling {dwelling_ids[di[first]]!r}) at candidates[{first}]"
        )
    ci, di, scores = ci[order], di[order], scores[order]

    group_ids, caps, members = _groups(groups, dwelling_index)
    return Instance(
        client_ids=client_ids,
        dwelling_ids=dwelling_ids,
        cand_client=ci,
        cand_dwelling=di,
        cand_score=scores,
        group_ids=group_ids,
        group_caps=caps,
        group_members=members,
        client_priority=_priorities(clients),
        raw_candidates=candidates,
        cand_source=order,
    )


def _groups(
    groups: list[Any], dwelling_index: dict[str, int]
) -> tuple[list[str], np.ndarray, list[np.ndarray]]:
    ids: list[str] = []
    caps: list[int] = []
    members: list[np.ndarray] = []
    seen: set[str] = set()
    for g, group in enumerate(groups):
        if not isinstance(group, dict) or not {"id", "cap", "dwellings"} <= group.keys():
            raise InstanceError(f"groups[{g}] must be an object with 'id', 'cap' and 'dwellings'")
        gid, cap, dws = group["id"], group["cap"], group["dwellings"]
        if type(gid) is not str or not gid:
            raise InstanceError(f"groups[{g}].id must be a non-empty string")
        if gid in seen:
            raise InstanceError(f"duplicate group id {gid!r}")
        seen.add(gid)
        # Integral floats (3.0) are accepted: JSON writers differ; 2.5 or -1 are not.
        if type(cap) is float and cap.is_integer():
            cap = int(cap)
        if type(cap) is not int or cap < 0:
            raise InstanceError(f"group {gid!r} has cap {cap!r}; a cap must be an integer >= 0")
        if not isinstance(dws, list):
            raise InstanceError(f"group {gid!r}: 'dwellings' must be a list")
        try:
            idx = np.fromiter(map(dwelling_index.__getitem__, dws), dtype=np.int32, count=len(dws))
        except (KeyError, TypeError):
            bad = next(d for d in dws if not isinstance(d, str) or d not in dwelling_index)
            raise InstanceError(f"group {gid!r} refers to unknown dwelling {bad!r}") from None
        ids.append(gid)
        caps.append(cap)
        idx.sort()
        # Sorted unique without np.unique: cheaper per group, and np.unique drags in numpy.ma.
        members.append(idx[np.r_[True, idx[1:] != idx[:-1]]] if idx.size > 1 else idx)
    return ids, np.array(caps, dtype=np.int64), members


def _priorities(clients: list[dict[str, Any]]) -> np.ndarray | None:
    """Optional ``priority`` key on clients, used only by the greedy baseline's ordering."""
    values = [c.get("priority") for c in clients]
    if not values or all(v is None for v in values):
        return None
    out = np.zeros(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        if v is None:
            continue
        if type(v) not in (int, float) or not math.isfinite(v):
            raise InstanceError(f"clients[{i}].priority must be a finite number")
        out[i] = v
    return out
