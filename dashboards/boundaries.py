"""Region boundaries for the map: reading the GeoJSON in fixtures/boundaries/, projecting each
region into the frame of its parent's map, simplifying, and storing the SVG path (RegionShape).

Every region is drawn on one map only, its parent's (a province on the national map, a regency
on its province's, a district on its regency's), so each shape is projected once, at load time,
into that map's frame: equirectangular, longitude scaled by cos(mid-latitude) of the frame's
extent, scaled so that the longer side is FRAME_SIZE units, coordinates rounded to integers.
Points then closer than SIMPLIFY_TOLERANCE units to the simplified line are dropped
(Douglas-Peucker), and rings smaller than MIN_RING_AREA square units (specks of islands), unless
the ring is the region's largest. A page then only joins the stored paths.
"""

from __future__ import annotations

import gzip
import json
import math
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from core import regions

from .models import RegionShape

BOUNDARIES_DIR = Path(settings.BASE_DIR) / "fixtures" / "boundaries"
LEVEL_FILES = [
    (regions.PROVINCE, "provinces.geojson.gz"),
    (regions.REGENCY, "regencies.geojson.gz"),
    (regions.DISTRICT, "districts.geojson.gz"),
]
FRAME_SIZE = 1000  # units on the longer side of a map
FRAME_PADDING = 6  # units left free around the shapes
SIMPLIFY_TOLERANCE = 1.0  # units: points nearer than this to the simplified line are dropped
MIN_RING_AREA = 3.0  # square units: smaller rings are dropped (but never a region's largest)
BATCH = 500


# --- geometry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """A map's projection: lon/lat → integer SVG units with y downwards."""

    west: float
    north: float
    x_scale: float  # units per degree of longitude (already times cos(mid-latitude))
    y_scale: float  # units per degree of latitude
    width: int
    height: int

    @classmethod
    def around(cls, points: Iterable[tuple[float, float]], size: int = FRAME_SIZE, padding: int = FRAME_PADDING):
        lons, lats = [], []
        for lon, lat in points:
            lons.append(lon)
            lats.append(lat)
        if not lons:
            raise ValueError("a frame needs at least one point")
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        shrink = math.cos(math.radians((north + south) / 2))
        span_x, span_y = (east - west) * shrink, north - south
        scale = (size - 2 * padding) / max(span_x, span_y, 1e-9)
        return cls(
            west=west - padding / (scale * shrink),
            north=north + padding / scale,
            x_scale=scale * shrink,
            y_scale=scale,
            width=math.ceil(span_x * scale) + 2 * padding,
            height=math.ceil(span_y * scale) + 2 * padding,
        )

    def project(self, lon: float, lat: float) -> tuple[int, int]:
        return round((lon - self.west) * self.x_scale), round((self.north - lat) * self.y_scale)


def polygons_of(geometry: dict) -> list[list[list[list[float]]]]:
    """A Polygon or MultiPolygon as a list of polygons (each a list of rings)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def points_of(geometry: dict):
    for polygon in polygons_of(geometry):
        for ring in polygon:
            for lon, lat, *_rest in ring:
                yield lon, lat


def _distance_to_segment(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(points: list[tuple[int, int]], tolerance: float) -> list[tuple[int, int]]:
    """An open line simplified: its end points kept, and every point further than `tolerance`
    from the line through the kept ones (iterative, no recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def ring_area(ring: list[tuple[int, int]]) -> float:
    """Unsigned area (shoelace), the ring taken as closed."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def simplify_ring(ring: list[list[float]], frame: Frame, tolerance: float = SIMPLIFY_TOLERANCE):
    """A closed ring projected to integer units, repeated points dropped, then simplified; the
    ring as a list of points without the closing repeat (fewer than 3: nothing left)."""
    points = []
    for lon, lat, *_rest in ring:
        point = frame.project(lon, lat)
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return []
    # A closed ring: split at the point furthest from the first, simplify both halves.
    far = max(range(len(points)), key=lambda i: (points[i][0] - points[0][0]) ** 2 + (points[i][1] - points[0][1]) ** 2)
    first = douglas_peucker(points[: far + 1], tolerance)
    second = douglas_peucker(points[far:] + points[:1], tolerance)
    simplified = first[:-1] + second[:-1]
    return simplified if len(simplified) >= 3 else []


def _number(n: int, first: bool = False) -> str:
    """A coordinate as the path grammar allows it shortest: a minus sign separates by itself."""
    text = str(n)
    return text if first or n < 0 else " " + text


def path_data(rings: list[list[tuple[int, int]]]) -> str:
    """Rings as SVG path data with relative moves: "M12 34l3-2 5 1z"."""
    parts = []
    cursor = (0, 0)
    for index, ring in enumerate(rings):
        x, y = ring[0]
        if index == 0:
            parts.append(f"M{x}{_number(y)}")
        else:  # relative to the last ring's start (where "z" left the pen)
            parts.append(f"m{_number(x - cursor[0], True)}{_number(y - cursor[1])}")
        steps = []
        px, py = x, y
        for qx, qy in ring[1:]:
            steps.append(f"{_number(qx - px, not steps)}{_number(qy - py)}")
            px, py = qx, qy
        parts.append("l" + "".join(steps) + "z")
        cursor = (x, y)
    return "".join(parts)


@dataclass
class Shape:
    d: str
    bbox: tuple[int, int, int, int]  # min x, min y, max x, max y
    points: int


def shape_of(geometry: dict, frame: Frame, tolerance: float = SIMPLIFY_TOLERANCE) -> Shape | None:
    """A region's geometry in its map's frame: rings simplified, specks dropped but the largest
    outer ring always kept (every region stays visible). None if nothing can be drawn."""
    outer, holes = [], []
    for polygon in polygons_of(geometry):
        for index, ring in enumerate(polygon):
            simplified = simplify_ring(ring, frame, tolerance)
            if simplified:
                (holes if index else outer).append((ring_area(simplified), simplified))
    if not outer:
        # Smaller than a unit everywhere: a dot of the projected first point, so it still shows.
        lon, lat = next(points_of(geometry))
        x, y = frame.project(lon, lat)
        outer = [(1.0, [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)])]
    largest = max(area for area, _ring in outer)
    rings = [ring for area, ring in outer if area >= MIN_RING_AREA or area == largest]
    rings += [ring for area, ring in holes if area >= MIN_RING_AREA]
    xs = [x for ring in rings for x, _y in ring]
    ys = [y for ring in rings for _x, y in ring]
    return Shape(path_data(rings), (min(xs), min(ys), max(xs), max(ys)), sum(len(r) for r in rings))


# --- reading and loading ----------------------------------------------------------------------


@dataclass
class Feature:
    code: str
    name: str
    geometry: dict


def read_features(level: str, directory: Path = BOUNDARIES_DIR, wanted: set[str] | None = None) -> list[Feature]:
    """One level's features (of the `wanted` provinces only, if given), each checked: code form,
    no duplicate, geometry type, coordinates. A bad file raises ValidationError naming the
    feature, before anything is written."""
    filename = dict(LEVEL_FILES)[level]
    path = Path(directory) / filename
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(f"{filename}: cannot be read ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ValidationError(f"{filename}: not a GeoJSON FeatureCollection")
    features, seen = [], set()
    for number, item in enumerate(data["features"], start=1):
        where = f"{filename}, feature {number}"
        try:
            properties, geometry = item["properties"], item["geometry"]
            code, name = str(properties["code"]).strip(), str(properties.get("name") or "").strip()
        except (KeyError, TypeError):
            raise ValidationError(f"{where}: no properties.code or geometry") from None
        if regions.level_of(code) != level:
            raise ValidationError(f"{where}: “{code}” is not a {level} code")
        if code in seen:
            raise ValidationError(f"{where}: duplicate code {code}")
        seen.add(code)
        if wanted is not None and regions.province_of(code) not in wanted:
            continue
        _check_geometry(geometry, f"{where} ({code})")
        features.append(Feature(code, name[:100], geometry))
    return features


def _check_geometry(geometry, where: str) -> None:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(f"{where}: geometry must be a Polygon or MultiPolygon")
    try:
        polygons = polygons_of(geometry)
        count = 0
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4:
                    raise ValidationError(f"{where}: a ring has fewer than 4 positions")
                for position in ring:
                    lon, lat = float(position[0]), float(position[1])
                    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                        raise ValidationError(f"{where}: position {lon}, {lat} is off the globe")
                    count += 1
    except (TypeError, ValueError, IndexError):
        raise ValidationError(f"{where}: coordinates are not [longitude, latitude] numbers") from None
    if not count:
        raise ValidationError(f"{where}: empty geometry")


@dataclass
class LoadReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)
    removed: dict = field(default_factory=dict)
    points: dict = field(default_factory=dict)  # points drawn, per level
    source_points: dict = field(default_factory=dict)

    def total(self, level: str) -> int:
        return self.created.get(level, 0) + self.updated.get(level, 0) + self.unchanged.get(level, 0)


def load_boundaries(
    provinces: Iterable[str] | None = None,
    directory: Path = BOUNDARIES_DIR,
    progress: Callable[[str, int, int], object] | None = None,
) -> LoadReport:
    """Project, simplify and store the shapes: the 38 provinces (the national map) always, and
    the regencies and districts of the given provinces (all of them when None).

    Idempotent: rows already equal are left alone; shapes under a loaded province that are no
    longer in the files are removed. Every file is read and checked before anything is written:
    a bad file writes nothing."""
    wanted = None if provinces is None else {p.strip() for p in provinces}
    by_level = {
        level: read_features(level, directory, None if level == regions.PROVINCE else wanted)
        for level, _filename in LEVEL_FILES
    }
    known_provinces = {f.code for f in by_level[regions.PROVINCE]}
    if wanted is not None and wanted - known_provinces:
        raise ValidationError(f"unknown province code(s): {', '.join(sorted(wanted - known_provinces))}")

    report = LoadReport()
    rows_by_level = {}
    for level, features in by_level.items():
        groups = defaultdict(list)
        for feature in features:
            groups[regions.parent_of(feature.code)].append(feature)
        rows, done = [], 0
        for parent, members in sorted(groups.items()):
            frame = Frame.around(p for f in members for p in points_of(f.geometry))
            for feature in members:
                shape = shape_of(feature.geometry, frame)
                report.points[level] = report.points.get(level, 0) + shape.points
                report.source_points[level] = report.source_points.get(level, 0) + sum(
                    1 for _p in points_of(feature.geometry)
                )
                rows.append(
                    RegionShape(
                        code=feature.code,
                        level=level,
                        parent_code=parent,
                        name=feature.name,
                        d=shape.d,
                        min_x=shape.bbox[0],
                        min_y=shape.bbox[1],
                        max_x=shape.bbox[2],
                        max_y=shape.bbox[3],
                        frame_width=frame.width,
                        frame_height=frame.height,
                    )
                )
            done += len(members)
            if progress:
                progress(level, done, len(features))
        rows_by_level[level] = rows

    compared = ["parent_code", "name", "d", "min_x", "min_y", "max_x", "max_y", "frame_width", "frame_height"]
    with transaction.atomic():
        for level, rows in rows_by_level.items():
            existing_rows = RegionShape.objects.filter(level=level)
            if level != regions.PROVINCE and wanted is not None:
                existing_rows = existing_rows.filter(
                    reduce(operator.or_, (Q(code__startswith=f"{code}.") for code in sorted(wanted)), Q(pk__in=[]))
                )
            existing = {values[0]: values[1:] for values in existing_rows.values_list("code", *compared)}
            new, changed = [], []
            for row in rows:
                old = existing.pop(row.code, None)
                if old is None:
                    new.append(row)
                elif old != tuple(getattr(row, name) for name in compared):
                    changed.append(row)
            RegionShape.objects.bulk_create(new, batch_size=BATCH)
            RegionShape.objects.bulk_update(changed, compared, batch_size=BATCH)
            if existing:
                RegionShape.objects.filter(code__in=list(existing)).delete()
            report.created[level] = len(new)
            report.updated[level] = len(changed)
            report.unchanged[level] = len(rows) - len(new) - len(changed)
            report.removed[level] = len(existing)
    return report
