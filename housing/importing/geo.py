"""Boundary geometry: which coordinate system a GeoJSON file uses, and RD New → WGS84.

PDOK publishes the wijk- en buurtkaart in RD New (Rijksdriehoekscoördinaten, EPSG:28992),
others re-publish it in WGS84 lon/lat (EPSG:4326, or CRS84), usually without a `crs` member.
The map (Leaflet) needs WGS84, so RD coordinates are converted with pyproj (PROJ), which
is accurate to well under a metre for the Netherlands without grid files.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .values import Invalid

RD = "EPSG:28992"
WGS84 = "EPSG:4326"

# The RD New grid's valid area (EPSG:28992 bounds), in metres.
RD_X = (-7_000.0, 300_000.0)
RD_Y = (289_000.0, 629_000.0)


@cache
def _rd_to_wgs84() -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(RD, WGS84, always_xy=True)


@cache
def _geod() -> Any:
    from pyproj import Geod

    return Geod(ellps="WGS84")


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(lon, lat) of an RD New point: Amersfoort 155000, 463000 -> 5.387, 52.155."""
    lon, lat = _rd_to_wgs84().transform(x, y)
    return float(lon), float(lat)


def crs_from_member(data: dict[str, Any]) -> str | None:
    """The CRS a `crs` member names (GeoJSON 2008 style), or None when there is none."""
    member = data.get("crs")
    if not isinstance(member, dict):
        return None
    name = str((member.get("properties") or {}).get("name") or "").upper()
    if "28992" in name:
        return RD
    if "4326" in name or "CRS84" in name:
        return WGS84
    raise Invalid(f"coördinatenstelsel {name!r} wordt niet ondersteund (alleen RD New of WGS84)")


def _first_point(geometry: Any) -> tuple[float, float] | None:
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    while isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    if (
        isinstance(coordinates, list)
        and len(coordinates) >= 2
        and all(isinstance(c, int | float) for c in coordinates[:2])
    ):
        return float(coordinates[0]), float(coordinates[1])
    return None


def crs_from_ranges(features: list[Any]) -> str | None:
    """RD New or WGS84 from where the first coordinates lie; None when nothing is readable."""
    for feature in features[:50]:
        point = _first_point((feature or {}).get("geometry") if isinstance(feature, dict) else None)
        if point is None:
            continue
        x, y = point
        if RD_X[0] <= x <= RD_X[1] and RD_Y[0] <= y <= RD_Y[1]:
            return RD
        if -180 <= x <= 180 and -90 <= y <= 90:
            return WGS84
        raise Invalid(
            f"coördinaat {x}, {y} is geen RD New (x 0–300.000, y 300.000–620.000) en geen "
            "WGS84 (lengte, breedte)"
        )
    return None


def _check_ring(ring: Any, crs: str) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise Invalid("een ring heeft minstens 4 punten nodig")
    for point in ring:
        if not (
            isinstance(point, list | tuple)
            and len(point) >= 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in point[:2])
        ):
            raise Invalid("coördinaat is geen paar getallen")
        x, y = point[0], point[1]
        if crs == RD and not (RD_X[0] <= x <= RD_X[1] and RD_Y[0] <= y <= RD_Y[1]):
            raise Invalid(f"coördinaat {x}, {y} ligt buiten het RD-gebied")
        if crs == WGS84 and not (-180 <= x <= 180 and -90 <= y <= 90):
            raise Invalid(f"coördinaat {x}, {y} is geen WGS84 (lengte, breedte)")


def polygons_of(geometry: Any, crs: str) -> tuple[str, list[Any]]:
    """(type, polygons) of a checked Polygon or MultiPolygon."""
    if not isinstance(geometry, dict):
        raise Invalid("geometrie ontbreekt")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    polygons: Any
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates
    else:
        raise Invalid(f"Polygon of MultiPolygon verwacht, niet {kind!r}")
    if not isinstance(polygons, list) or not polygons:
        raise Invalid("geen coördinaten")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise Invalid("lege polygoon")
        for ring in polygon:
            _check_ring(ring, crs)
    return kind, polygons


def to_wgs84(geometry: Any, crs: str) -> tuple[dict[str, Any], float]:
    """The geometry in WGS84 lon/lat (7 decimals, ~1 cm) and its area in hectares."""
    kind, polygons = polygons_of(geometry, crs)
    transform = _rd_to_wgs84().transform if crs == RD else None
    geod = _geod()
    converted = []
    area = 0.0
    for polygon in polygons:
        rings = []
        for position, ring in enumerate(polygon):
            xs = [float(p[0]) for p in ring]
            ys = [float(p[1]) for p in ring]
            if transform is not None:
                xs, ys = transform(xs, ys)
            lons = [round(v, 7) for v in xs]
            lats = [round(v, 7) for v in ys]
            rings.append([[lon, lat] for lon, lat in zip(lons, lats, strict=True)])
            ring_area = abs(geod.polygon_area_perimeter(lons, lats)[0])
            area += ring_area if position == 0 else -ring_area
        converted.append(rings)
    coordinates = converted[0] if kind == "Polygon" else converted
    return {"type": kind, "coordinates": coordinates}, round(area / 10_000, 1)
