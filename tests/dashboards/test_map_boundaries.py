"""Boundaries: projection and simplification (dashboards/boundaries.py) and `load_boundaries`."""

import gzip
import json
import re
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dashboards.boundaries import (
    BOUNDARIES_DIR,
    Frame,
    douglas_peucker,
    path_data,
    read_features,
    shape_of,
    simplify_ring,
)
from dashboards.models import RegionShape


def absolute_points(d):
    """The path data back to absolute rings (the grammar path_data writes: M, m, l, z)."""
    rings, x, y, start = [], 0, 0, (0, 0)
    for command, numbers in re.findall(r"([MmLlz])([^MmLlz]*)", d):
        values = [int(n) for n in re.findall(r"-?\d+", numbers)]
        pairs = list(zip(values[::2], values[1::2], strict=True))
        if command == "M":
            x, y = pairs[0]
            rings.append([(x, y)])
            start = (x, y)
        elif command == "m":
            x, y = start[0] + pairs[0][0], start[1] + pairs[0][1]
            rings.append([(x, y)])
            start = (x, y)
        elif command == "l":
            for dx, dy in pairs:
                x, y = x + dx, y + dy
                rings[-1].append((x, y))
        elif command == "z":
            x, y = start
    return rings


def test_the_frame_keeps_every_point_inside_and_the_longer_side_at_1000():
    frame = Frame.around([(101.0, -1.0), (104.5, -2.5)])
    assert max(frame.width, frame.height) in (1000, 1001)
    for lon, lat in [(101.0, -1.0), (104.5, -2.5), (101.0, -2.5), (104.5, -1.0)]:
        x, y = frame.project(lon, lat)
        assert 0 <= x <= frame.width and 0 <= y <= frame.height
    # North is up, east is right; longitude shrinks by cos(latitude).
    assert frame.project(101.0, -1.0)[1] < frame.project(101.0, -2.5)[1]
    assert frame.project(101.0, -1.0)[0] < frame.project(104.5, -1.0)[0]
    far_north = Frame.around([(0.0, 59.0), (1.0, 61.0)])
    assert far_north.width < far_north.height / 3


def test_simplification_drops_points_within_a_unit_and_repeats():
    line = [(0, 0), (1, 0), (2, 0), (3, 1), (4, 0), (10, 0)]
    assert douglas_peucker(line, 1.0) == [(0, 0), (10, 0)]
    assert douglas_peucker(line, 0.5) == [(0, 0), (2, 0), (3, 1), (4, 0), (10, 0)]
    frame = Frame(west=0, north=10, x_scale=100, y_scale=100, width=1000, height=1000)
    ring = [[0, 10], [0.001, 10], [5, 10], [5, 5], [0.002, 5], [0, 10]]  # repeats after rounding
    assert simplify_ring(ring, frame) == [(0, 0), (500, 0), (500, 500), (0, 500)]
    assert simplify_ring([[0, 10], [0.001, 10], [0.002, 10], [0, 10]], frame) == []


def test_path_data_round_trips_and_keeps_the_largest_ring():
    rings = [[(10, 20), (30, 20), (30, 5)], [(500, 600), (498, 640), (450, 640)]]
    d = path_data(rings)
    assert d.startswith("M10 20l20 0") and d.count("z") == 2 and " -" not in d
    assert absolute_points(d) == rings
    frame = Frame(west=0, north=10, x_scale=100, y_scale=100, width=1000, height=1000)
    speck = {"type": "Polygon", "coordinates": [[[1, 1], [1.001, 1], [1.001, 1.001], [1, 1]]]}
    shape = shape_of(speck, frame)  # smaller than a unit: still drawn, as a dot
    assert shape is not None and shape.points >= 3


def test_every_stored_path_lies_in_its_bbox_and_frame(db):
    call_command("load_boundaries", province=["15"], verbosity=0)
    for shape in RegionShape.objects.filter(code__startswith="15"):
        points = [p for ring in absolute_points(shape.d) for p in ring]
        assert min(x for x, _y in points) == shape.min_x >= 0
        assert max(x for x, _y in points) == shape.max_x <= shape.frame_width
        assert min(y for _x, y in points) == shape.min_y >= 0
        assert max(y for _x, y in points) == shape.max_y <= shape.frame_height


def test_every_source_code_is_a_kemendagri_code_of_its_level():
    features = read_features("district", BOUNDARIES_DIR, wanted={"72"})
    assert "72.06.20" not in {f.code for f in features}  # missing in the source: "no boundary"
    assert len(read_features("regency", BOUNDARIES_DIR, wanted={"15"})) == 11


@pytest.fixture
def boundaries_copy(tmp_path):
    for path in BOUNDARIES_DIR.glob("*.geojson.gz"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def rewrite(directory, name, change):
    path = directory / name
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    change(data)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(data, handle)


def test_loading_is_idempotent_and_removes_shapes_no_longer_in_the_files(db, boundaries_copy):
    out = StringIO()
    call_command("load_boundaries", province=["15"], directory=str(boundaries_copy), stdout=out)
    call_command("load_boundaries", province=["15"], directory=str(boundaries_copy), stdout=out)
    text = out.getvalue()
    assert "districts:    144 (0 new, 0 updated, 144 unchanged, 0 removed" in text
    assert "provinces:     38 (0 new, 0 updated, 38 unchanged" in text
    assert "districts: 144/144 shaped" in text  # progress
    rewrite(
        boundaries_copy,
        "districts.geojson.gz",
        lambda data: data.update(features=[f for f in data["features"] if f["properties"]["code"] != "15.71.01"]),
    )
    out = StringIO()
    call_command("load_boundaries", province=["15"], directory=str(boundaries_copy), stdout=out)
    assert "districts:    143 (0 new, 0 updated, 143 unchanged, 1 removed" in out.getvalue()
    assert not RegionShape.objects.filter(code="15.71.01").exists()


@pytest.mark.parametrize(
    "name, change, message",
    [
        ("districts.geojson.gz", lambda f: f["properties"].update(code="15.71.1"), "is not a district code"),
        ("districts.geojson.gz", lambda f: f["geometry"].update(type="Point"), "Polygon or MultiPolygon"),
        ("regencies.geojson.gz", lambda f: f["geometry"].update(coordinates=[[["a", 1]] * 4]), "coordinates"),
        ("regencies.geojson.gz", lambda f: f["geometry"].update(coordinates=[[[200, 1]] * 4]), "off the globe"),
    ],
)
def test_a_bad_file_writes_nothing(db, boundaries_copy, name, change, message):
    def spoil(data):
        target = next(f for f in data["features"] if f["properties"]["code"].startswith("15.71"))
        change(target)

    rewrite(boundaries_copy, name, spoil)
    before = list(RegionShape.objects.values_list("code", "d"))
    with pytest.raises(CommandError, match=message):
        call_command("load_boundaries", province=["15"], directory=str(boundaries_copy), verbosity=0)
    assert list(RegionShape.objects.values_list("code", "d")) == before


def test_a_truncated_file_or_an_unknown_province_writes_nothing(db, boundaries_copy):
    (boundaries_copy / "districts.geojson.gz").write_bytes(b"\x1f\x8b not gzip")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_boundaries", all=True, directory=str(boundaries_copy), verbosity=0)
    with pytest.raises(CommandError, match="unknown province"):
        call_command("load_boundaries", province=["99"], verbosity=0)
    with pytest.raises(CommandError, match="--province"):
        call_command("load_boundaries", verbosity=0)
