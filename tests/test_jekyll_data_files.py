"""kg.jekyll never writes over a data file it did not write: the ``kg:generated`` key, files
of older kg versions, other files of the same data name, names set in ``_config.yml``."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.jekyll import DATA_NOTE, MARKER, dump_json, export_site, read_data

SITE = Path(__file__).resolve().parent / "fixtures" / "jekyll-site"
NAMES = ("related_events.json", "backlinks.json", "event_jsonld.json")
ADA = "/people/ada-lovelace"
OWN = b'{\n  "featured": ["/people/ada-lovelace"],\n  "note": "the site\'s own"\n}\n'


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the Jekyll fixture site (nothing exported yet)."""
    dest = tmp_path / "site"
    shutil.copytree(SITE, dest)
    return dest


def export(site: Path) -> dict:
    return export_site(kg.build_site(site), site)


def put(site: Path, name: str, content: bytes) -> Path:
    path = site / "_data" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_data_files_start_with_the_marker_key(site: Path) -> None:
    result = export(site)
    for name in NAMES:
        path = site / "_data" / name
        assert str(path) in result["written"]
        assert path.read_text(encoding="utf-8").startswith('{\n  "kg:generated": ')
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert next(iter(raw)) == MARKER and raw[MARKER] == DATA_NOTE
        assert all(k.startswith("/") for k in read_data(path))  # read_data leaves the key out
    assert result["kept"] == [] and result["warnings"] == {}


@pytest.mark.parametrize("name", NAMES)
def test_a_data_file_of_the_site_is_kept_and_reported(site: Path, name: str) -> None:
    mine = put(site, name, OWN)
    result = export(site)
    assert mine.read_bytes() == OWN
    assert result["kept"] == [str(mine)]
    line = result["warnings"][str(mine)]
    assert line.startswith(f"{mine} is the site's own (no \"kg:generated\" key), so kg did not write")
    stem = name[:-len(".json")]
    assert "rename your file, or give kg's" in line and f"kg: {{data: {{{stem}: kg_{stem}}}}}" in line
    others = [n for n in NAMES if n != name]
    assert sorted(result["written"][:2]) == sorted(str(site / "_data" / n) for n in others)


@pytest.mark.parametrize("content, why", [
    (b"[1, 2, 3]\n", 'no "kg:generated" key'),
    (b'{"/people/ada-lovelace": [{"url": "/events/x", "mine": true}]}', 'no "kg:generated" key'),
    (b"{}\n", 'no "kg:generated" key'),
    (b"not: json\n", "not JSON kg wrote"),
    (b'{"kg:generated" "broken', "not JSON kg wrote"),
])
def test_other_site_files_are_kept(site: Path, content: bytes, why: str) -> None:
    mine = put(site, "backlinks.json", content)
    result = export(site)
    assert mine.read_bytes() == content
    assert f"({why})" in result["warnings"][str(mine)]


def test_a_file_kg_wrote_is_rewritten_even_when_changed(site: Path) -> None:
    export(site)
    path = site / "_data" / "backlinks.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data[ADA] = []
    path.write_text(json.dumps(data), encoding="utf-8")  # one line, the marker still first
    result = export(site)
    assert str(path) in result["written"] and result["kept"] == []
    assert len(read_data(path)[ADA]) == 3
    # the marker anywhere at the top level will do (a tool that sorted the keys)
    path.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    assert not path.read_text(encoding="utf-8").startswith('{"kg:generated"')
    result = export(site)
    assert str(path) in result["written"] and len(read_data(path)[ADA]) == 3


def test_files_of_an_older_kg_without_the_marker_are_kgs(site: Path) -> None:
    export(site)
    for name in NAMES:  # as kg wrote them before the marker
        path = site / "_data" / name
        path.write_bytes(dump_json(read_data(path)))
        assert MARKER not in path.read_text(encoding="utf-8")
    result = export(site)
    assert result["kept"] == [] and result["warnings"] == {}
    for name in NAMES:
        assert json.loads((site / "_data" / name).read_text(encoding="utf-8"))[MARKER] == DATA_NOTE


def test_an_unchanged_data_file_is_not_written_again(site: Path) -> None:
    export(site)
    path = site / "_data" / "backlinks.json"
    before = path.stat().st_ino, path.stat().st_mtime_ns
    export(site)
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == before


@pytest.mark.parametrize("other", ["related_events.yml", "related_events.yaml", "related_events.csv",
                                   "related events.tsv", "related_events"])
def test_another_file_of_the_same_data_name_is_reported(site: Path, other: str) -> None:
    path = site / "_data" / other
    if "." in other:
        put(site, other, b"a: b\n")
    else:
        path.mkdir(parents=True)
    result = export(site)
    target = site / "_data" / "related_events.json"
    assert not target.exists()  # Jekyll would keep only one of the two for site.data.related_events
    assert result["kept"] == [str(path)]
    line = result["warnings"][str(path)]
    assert line.startswith(f"{path} also gives site.data.related_events, so kg did not write {target} beside it")
    assert "(Jekyll keeps only one of them)" in line and "kg: {data: {related_events: kg_related_events}}" in line
    assert (site / "_data" / "backlinks.json").is_file()


def test_a_same_name_file_beside_kgs_earlier_one_is_reported_and_both_kept(site: Path) -> None:
    export(site)
    kgs = site / "_data" / "related_events.json"
    before = kgs.read_bytes()
    yml = put(site, "related_events.yml", b"a: b\n")
    result = export(site)
    assert kgs.read_bytes() == before and yml.read_bytes() == b"a: b\n"
    assert "(kg's own from before is still there: delete it)" in result["warnings"][str(yml)]


def test_data_names_from_config(site: Path) -> None:
    config = site / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8")
                      + "kg:\n  data:\n    backlinks: kg_backlinks\n    related_events: kg-related\n",
                      encoding="utf-8")
    mine = put(site, "backlinks.json", OWN)
    result = export(site)
    assert mine.read_bytes() == OWN and result["kept"] == [] and result["warnings"] == {}
    assert len(read_data(site / "_data" / "kg_backlinks.json")[ADA]) == 3
    assert (site / "_data" / "kg-related.json").is_file() and (site / "_data" / "event_jsonld.json").is_file()
    assert not (site / "_data" / "related_events.json").exists()


@pytest.mark.parametrize("setting, message", [
    ("kg: [data]", "`kg` must be a mapping"),
    ("kg: {data: [backlinks]}", "`kg.data` must map"),
    ("kg: {data: {links: x}}", "`kg.data` names no data file kg writes: 'links'"),
    ("kg: {data: {backlinks: ../x}}", "`kg.data.backlinks` must be a data name"),
    ("kg: {data: {backlinks: 3}}", "`kg.data.backlinks` must be a data name"),
    ("kg: {data: {backlinks: related_events}}", "two of kg's data files the name 'related_events'"),
    ("kg:\n  data:\n    backlinks:", "`kg.data.backlinks` must be a data name (letters, digits, _ and -), it is empty"),
])
def test_bad_data_names_in_config(site: Path, setting: str, message: str) -> None:
    """Each at its line of _config.yml (an empty name said "got None", and no line)."""
    graph = kg.build_site(site)
    config = site / "_config.yml"
    before = config.read_text(encoding="utf-8")
    config.write_text(before + setting + "\n", encoding="utf-8")
    with pytest.raises(kg.KgError) as info:
        export_site(graph, site)
    line = before.count("\n") + setting.count("\n") + 1
    assert message in str(info.value) and str(info.value).startswith(f"{config}:{line}: "), str(info.value)
    assert not (site / "_data").exists()


def test_cli_warns_about_the_sites_own_file(site: Path, tmp_path: Path) -> None:
    kg.build_site(site, tmp_path / "g")
    mine = put(site, "backlinks.json", OWN)
    (site / "_includes").mkdir()
    (site / "_includes" / "backlinks.html").write_text("my own\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["related", "--graph", str(tmp_path / "g"), "--site", str(site)])
    assert result.exit_code == 1, result.output  # the rest written; the site's file kept, and CI told
    assert result.stderr.splitlines() == [
        f"Warning: {mine} is the site's own (no \"kg:generated\" key), so kg did not write its backlinks: "
        "rename your file, or give kg's backlinks another name in _config.yml (kg: {data: {backlinks: kg_backlinks}})"]
    assert f"wrote {site / '_data' / 'related_events.json'}" in result.stdout
    assert f"kept {site / '_includes' / 'backlinks.html'} (changed by the site" in result.stdout
    assert mine.read_bytes() == OWN


def test_cli_exits_1_when_another_file_of_the_same_data_name_keeps_kgs_out(site: Path, tmp_path: Path) -> None:
    """Was exit 0: a CI job saw success while the site went without its related events."""
    kg.build_site(site, tmp_path / "g")
    yml = put(site, "related_events.yml", b"a: b\n")
    result = CliRunner().invoke(cli, ["related", "--graph", str(tmp_path / "g"), "--site", str(site)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Warning: {yml} also gives site.data.related_events") and \
        result.stderr.count("\n") == 1
    assert not (site / "_data" / "related_events.json").exists()
    for name in ("backlinks.json", "event_jsonld.json"):  # the rest is written
        assert f"wrote {site / '_data' / name}" in result.stdout and (site / "_data" / name).is_file()


def test_cli_exits_0_when_only_an_include_changed_by_the_site_is_kept(site: Path, tmp_path: Path) -> None:
    """An include the site changed is the site's choice, not a problem: exit 0."""
    kg.build_site(site, tmp_path / "g")
    (site / "_includes").mkdir()
    (site / "_includes" / "backlinks.html").write_text("my own\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["related", "--graph", str(tmp_path / "g"), "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert f"kept {site / '_includes' / 'backlinks.html'} (changed by the site" in result.stdout


# -- real Jekyll ---------------------------------------------------------------------------

def test_jekyll_reads_data_under_the_configured_names(site: Path, tmp_path: Path) -> None:
    """The includes find kg's data under the names of _config.yml, beside the site's own."""
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        pytest.skip("jekyll is not installed (Debian: apt-get install jekyll)")
    config = site / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "kg:\n  data:\n    backlinks: kg_backlinks\n"
                      "    related_events: kg_related\n    event_jsonld: kg_jsonld\n", encoding="utf-8")
    for name in NAMES:
        put(site, name, OWN)
    result = export(site)
    assert result["warnings"] == {}
    out = tmp_path / "out"
    proc = subprocess.run([jekyll, "build", "-s", str(site), "-d", str(out), "--disable-disk-cache"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"jekyll build failed:\n{proc.stdout}\n{proc.stderr}"
    person = (out / "people" / "ada-lovelace.html").read_text(encoding="utf-8")
    assert person.count('class="kg-backlink"') == 3
    event = (out / "events" / "2024-02-14-data-circle-february.html").read_text(encoding="utf-8")
    assert event.count('class="kg-related-item"') == 3
    assert event.count('<script type="application/ld+json">') == 1
    assert "kg:generated" not in event and "kg:generated" not in person


def test_a_graph_of_another_site_is_refused_and_nothing_written(site: Path, tmp_path: Path) -> None:
    """`kg related --site` with the default --graph of another site on the same machine
    would fill this site's pages with the other's events: it stops, exit 2."""
    other = kg.build_site(Path(__file__).resolve().parent / "fixtures" / "site", tmp_path / "other")
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    result = CliRunner().invoke(cli, ["related", "--graph", str(tmp_path / "other"), "--site", str(site)])
    assert result.exit_code == 2, result.output
    assert "the graph is of another site (" + other.report["base_url"] in result.output
    assert "build this site first" in result.output
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before


def test_a_graph_of_the_same_site_elsewhere_or_at_a_preview_address_is_taken(site: Path, tmp_path: Path) -> None:
    kg.build_site(site, tmp_path / "graph")
    copy = tmp_path / "checkout"
    shutil.copytree(site, copy)  # another checkout of the site: the same address
    result = CliRunner().invoke(cli, ["related", "--graph", str(tmp_path / "graph"), "--site", str(copy)])
    assert result.exit_code == 0, result.output
    assert (copy / "_data" / "related_events.json").is_file()
    # built from this very folder for a preview address: this site's graph still
    kg.build_site(site, tmp_path / "preview", base_url="https://preview.example.net")
    result = CliRunner().invoke(cli, ["related", "--graph", str(tmp_path / "preview"), "--site", str(site)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("folder, says", [("_data", "data files"), ("_includes", "includes")])
def test_a_data_or_includes_folder_that_is_a_file_is_one_error(site: Path, folder: str, says: str) -> None:
    """Not three warnings that each data file "is the site's own (kg cannot read it: Not a
    directory)", and nothing written."""
    graph = kg.build_site(site)
    (site / folder).write_text("notes\n", encoding="utf-8")
    with pytest.raises(kg.KgError) as info:
        export_site(graph, site)
    assert str(info.value) == (f"{site / folder}: {folder} is a file, not the folder of the site's {says} that kg "
                               f"writes into. Hint: move the file away, or give Jekyll's {says} another folder "
                               f"with `{folder[1:]}_dir:` in _config.yml")
    assert not (site / "_data").is_dir() and not (site / "_includes").is_dir()
