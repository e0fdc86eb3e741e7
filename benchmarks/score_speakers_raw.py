"""Dev harness: run :func:`kg.speakers.extract_speakers` over a Jekyll corpus and score it.

usage: python benchmarks/score_speakers_raw.py [SHARED_DIR] [--show N] [--out PRED.json]

Reads every ``_events/*.md`` of ``SHARED_DIR/corpus/connectedbydata.org`` (front matter
split here with ``yaml.safe_load``), takes the staff names from ``_people/*.md`` titles,
writes the prediction rows as JSON and runs ``SHARED_DIR/bin/score-speakers`` on them.
"""
from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from kg import markdown
from kg.speakers import extract_speakers

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
SITE = "corpus/connectedbydata.org"


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """Front matter (``{}`` when absent or unreadable), body, and the body's first line."""
    if not text.startswith("---"):
        return {}, text, 1
    end = re.search(r"^---\s*$", text[3:], re.M)
    if not end:
        return {}, text, 1
    head = text[3:3 + end.start()]
    body_at = 3 + end.end() + 1
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError:
        meta = {}
    first_line = text[:body_at].count("\n") + 1
    return (meta if isinstance(meta, dict) else {}), text[body_at:], first_line


def staff_names(site: Path) -> list[str]:
    names = []
    for path in sorted((site / "_people").glob("*.md")):
        meta, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
        if isinstance(meta.get("title"), str):
            names.append(meta["title"])
    return names


def site_title(site: Path) -> str | None:
    """The site's own name: ``title`` in ``_config.yml``."""
    try:
        config = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None
    title = config.get("title") if isinstance(config, dict) else None
    return title if isinstance(title, str) else None


def author_of(meta: dict) -> str | None:
    """The front-matter author(s) as one string ("A, B")."""
    author = meta.get("author")
    if isinstance(author, str):
        return author or None
    if isinstance(author, list):
        return ", ".join(str(a) for a in author if a) or None
    return None


def predict(site: Path) -> tuple[list[dict], list[float]]:
    """Prediction rows for every event, and the seconds spent in extract_speakers per file."""
    staff = staff_names(site)
    site_name = site_title(site)
    rows, spent = [], []
    for path in sorted((site / "_events").glob("*.md")):
        meta, body, first_line = split_front_matter(path.read_text(encoding="utf-8"))
        doc = markdown.parse(body, first_line)
        category = meta.get("category") if isinstance(meta.get("category"), str) else None
        title = meta.get("title") if isinstance(meta.get("title"), str) else ""
        t0 = time.perf_counter()
        found = extract_speakers(doc, category=category, title=title, staff=staff,
                                 author=author_of(meta), site_name=site_name)
        spent.append(time.perf_counter() - t0)
        for m in found:
            rows.append({"source": f"_events/{path.name}", "name": m.name, "role": m.role,
                         "title": m.title, "organisation": m.organisation,
                         "organisation_url": m.organisation_url, "url": m.url, "line": m.line})
    return rows, spent


def score(shared: Path = DEFAULT_SHARED, show: int = 10, out: Path | None = None) -> dict:
    """Run the scorer; return its output and the parsed precision/recall/org accuracy."""
    site = shared / SITE
    rows, spent = predict(site)
    if out is None:
        out = Path(tempfile.mkdtemp()) / "speakers.json"
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(shared / "bin" / "score-speakers"),
                           str(shared / "gold" / "dev.jsonl"), str(out), "--show", str(show)],
                          capture_output=True, text=True, check=True)
    m = re.search(r"precision=([\d.]+) recall=([\d.]+) f1=([\d.]+) organisation_accuracy=([\d.]+)",
                  proc.stdout)
    result = {"output": proc.stdout, "seconds": sum(spent), "files": len(spent),
              "median_ms": statistics.median(spent) * 1000 if spent else 0.0}
    if m:
        result.update(precision=float(m[1]), recall=float(m[2]), f1=float(m[3]),
                      organisation_accuracy=float(m[4]))
    return result


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:]]
    show = 10
    out = None
    if "--show" in args:
        i = args.index("--show")
        show = int(args[i + 1])
        del args[i:i + 2]
    if "--out" in args:
        i = args.index("--out")
        out = Path(args[i + 1])
        del args[i:i + 2]
    shared = Path(args[0]) if args else DEFAULT_SHARED
    result = score(shared, show, out)
    print(result["output"], end="")
    print(f"extract_speakers: {result['seconds'] * 1000 / max(1, result['files']):.3f} ms per file "
          f"(median {result['median_ms']:.3f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
