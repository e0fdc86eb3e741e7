"""Score what the shared scorer leaves out: each speaker's role, and organisations made up.

usage: python benchmarks/score_speaker_fields.py GOLD.jsonl SPEAKERS.json [--show N]

``SPEAKERS.json`` is ``kg query speakers --format json`` (SPARQL results JSON) or a list
of rows with ``source``, ``name``, ``role``, ``title``, ``organisation``. Speakers are
matched to the annotations by file and name (case, accents and spacing aside). The
shared ``score-speakers`` counts an organisation right when one name holds the other
and only where the annotation gives one, and does not look at roles; this prints, for
the speakers found that are annotated:

- role agreement: the role is the annotated one (speaker, chair, panellist…);
- organisations made up: kg gives an organisation where the annotation has none;
- organisation exact: kg's organisation is the annotated one, not merely part of it.
"""
from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any


def _norm(text: Any) -> str:
    folded = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(folded.lower().replace("’", "'").split())


def _rows(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):   # SPARQL results JSON
        return [{k: v.get("value") for k, v in b.items()} for b in data["results"]["bindings"]]
    return data


def score(gold_path: Path, speakers_path: Path) -> dict[str, Any]:
    """The figures, and the disagreements: ``{"matched", "roles_agree", "orgs_made_up",
    "orgs_annotated", "orgs_exact", "wrong": [(file, name, field, kg's, annotated)]}``."""
    gold = {}
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            for s in entry["speakers"]:
                gold[(entry["file"], _norm(s["name"]))] = s
    out: dict[str, Any] = {"matched": 0, "roles_agree": 0, "orgs_made_up": 0, "orgs_annotated": 0,
                           "orgs_exact": 0, "wrong": []}
    for row in _rows(speakers_path):
        g = gold.get((row.get("source"), _norm(row.get("name"))))
        if g is None:
            continue
        out["matched"] += 1
        if row.get("role") == g.get("role"):
            out["roles_agree"] += 1
        else:
            out["wrong"].append((row["source"], row["name"], "role", row.get("role"), g.get("role")))
        if g.get("organisation"):
            out["orgs_annotated"] += 1
            if _norm(row.get("organisation")) == _norm(g["organisation"]):
                out["orgs_exact"] += 1
        elif row.get("organisation"):
            out["orgs_made_up"] += 1
            out["wrong"].append((row["source"], row["name"], "organisation", row["organisation"], None))
    return out


def main(argv: list[str]) -> int:
    args = argv[1:]
    show = 0
    if "--show" in args:
        i = args.index("--show")
        show = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    s = score(Path(args[0]), Path(args[1]))
    for source, name, field, mine, theirs in s["wrong"][:show]:
        print(f"  {source} | {name} | {field}: {mine!r}, annotated {theirs!r}")
    n = max(1, s["matched"])
    print(f"matched={s['matched']} role_agreement={s['roles_agree'] / n:.3f} ({s['roles_agree']}/{s['matched']}) "
          f"organisations_made_up={s['orgs_made_up']} organisation_exact={s['orgs_exact'] / max(1, s['orgs_annotated']):.3f} "
          f"({s['orgs_exact']}/{s['orgs_annotated']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
