"""kg.mapping: a mapping file an editor got wrong is one error at its line, never a
traceback, and no setting in it is ignored or misread in silence.

Each case changes one line of the shipped ``ontology/mapping.yml`` as an editor might,
and expects a :class:`MappingError` naming the file and the line of the mistake.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.errors import MappingError
from kg.mapping import default_mapping_path, load_mapping, parse_mapping

from conftest import EXAMPLE_SITE

SHIPPED = default_mapping_path().read_text(encoding="utf-8")


def changed(old: str, new: str) -> tuple[str, int]:
    """The shipped mapping with its first ``old`` replaced by ``new``, and the line
    (1-based) where ``new`` starts."""
    assert old in SHIPPED, old
    at = SHIPPED.index(old)
    return SHIPPED.replace(old, new, 1), SHIPPED[:at].count("\n") + 1


def error_of(tmp_path: Path, text: str | bytes) -> MappingError:
    path = tmp_path / "mapping.yml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    assert info.value.path == str(path)
    assert "\n" not in str(info.value)
    return info.value


CASES = {
    # section types
    "prefixes written as a list": (
        "prefixes:\n  schema: https://schema.org/\n  kg: https://w3id.org/kg/ns#\n  skos: http://www.w3.org/2004/02/skos/core#\n"
        "  foaf: http://xmlns.com/foaf/0.1/\n  dcterms: http://purl.org/dc/terms/\n  prov: http://www.w3.org/ns/prov#\n"
        "  org: http://www.w3.org/ns/org#\n", "prefixes: [schema]\n", 0,
        r"`prefixes:` must be a mapping of prefix -> IRI, not a list"),
    "keys written as a list": (
        "    keys:\n      title: {property: schema:name}\n      subtitle: {property: schema:alternativeHeadline}\n"
        "      category: {property: kg:category}\n      image: {property: schema:image}\n  funder:",
        "    keys: [title]\n  funder:", 0,
        r"kind `topic`: `keys` must be a mapping of front-matter key -> rule, not a list"),
    "class a number": ("class: [schema:Event]", "class: 5", 0, r"kind `event`: `class` must be a list of text, not the number 5"),
    "body a list": ("body: {speakers: true, ordinal: true, terms: true}", "body: [speakers]", 0,
                    r"kind `event`: `body` must be a mapping such as `\{speakers: true\}`, not a list"),
    "a misspelt section": ("kinds:\n  event:", "kinds: [event]\nkindz:\n  event:", 0, r"unknown section `kindz`"),
    "a kind a list": ("  event:\n    collection: events\n", "  event: [events]\n  eventx:\n    collection: events\n", 0,
                      r"kind `event` must be a mapping of settings, not a list"),
    "a kind without collection": ("  event:\n    collection: events\n", "  event:\n    collections: events\n", 0,
                                  r"kind `event` needs a `collection:`"),
    "type ref without ref": ("project: {property: kg:project, type: ref, ref: project}",
                             "project: {property: kg:project, type: ref}", 0,
                             r"kind `event`, key `project`: type ref needs `ref: KIND`"),
    "a rule without property": ("subtitle: {property: schema:alternativeHeadline}", "subtitle: {type: text}", 0,
                                r"kind `event`, key `subtitle`: needs a `property:`"),
    "a class without prefix": ("class: [schema:Event]", "class: [Event]", 0,
                               r"kind `event`: `class`: unknown prefix in `Event`"),
    "identity a list": ("identity: link", "identity: [link]", 0, r"kind `funder`: `identity` must be text, not a list"),
    "label a key without property": ("label: title\n    date_keys", "label: speakers\n    date_keys", 0,
                                     r"kind `event`: `label` names `speakers`, whose rule has no `property:`"),
    # regexes and IRIs
    "split not a regex": ('split: "\\\\s*,\\\\s*"', 'split: "("', 0,
                          r"key `dates`: `split` is not a valid regex: missing \), unterminated subpattern"),
    "split matching nothing": ('split: "\\\\s*,\\\\s*"', 'split: ",?"', 0, r"`split` ',\?' matches an empty string"),
    "relative prefix": ("schema: https://schema.org/", "schema: schema.org/", 0,
                        r"prefix `schema`: 'schema.org/' is not an absolute IRI"),
    "property not an IRI": ("subtitle: {property: schema:alternativeHeadline}",
                            'subtitle: {property: "http://ex.org/a b>"}', 0,
                            r"key `subtitle`: `property`: `http://ex.org/a b>` is not a valid IRI"),
    "CURIE with a space": ("subtitle: {property: schema:alternativeHeadline}",
                           'subtitle: {property: "schema:alternative Headline"}', 0, r"is not a valid IRI"),
    "unknown prefix": ("subtitle: {property: schema:alternativeHeadline}", "subtitle: {property: sdo:headline}", 0,
                       r"unknown prefix in `sdo:headline`"),
    # typos are errors with the closest name
    "top-level typo": ("kinds:\n", "kind:\n", 0, r"unknown section `kind` \(did you mean `kinds`\?\)"),
    "body typo": ("body: {speakers: true,", "body: {speaker: true,", 0,
                  r"kind `event`, `body`: unknown option `speaker` \(did you mean `speakers`\?\)"),
    "kind option typo": ("    date_keys: [date, dates]\n", "    date_key: [date, dates]\n", 0,
                         r"kind `event`: unknown option `date_key` \(did you mean `date_keys`\?\)"),
    "key option typo": ("category: {property: kg:category, vocabulary: true}",
                        "category: {property: kg:category, vocabuary: true}", 0,
                        r"unknown option `vocabuary` \(did you mean `vocabulary`\?\)"),
    "type typo": ("date: {property: schema:startDate, type: date}", "date: {property: schema:startDate, type: dates}",
                  0, r"unknown type `dates` \(did you mean `date`\?\)"),
    "ref typo": ("project: {property: kg:project, type: ref, ref: project}",
                 "project: {property: kg:project, type: ref, ref: projects}", 0,
                 r"refers to unknown kind `projects` \(did you mean `project`\?\)"),
    # written twice, or for two kinds
    "a key rule written twice": ("      subtitle: {property: schema:alternativeHeadline}\n      date:",
                                 "      title: {property: schema:alternativeHeadline}\n      date:", 0,
                                 r"`title` is written twice under `kinds.event.keys` \(lines \d+ and \d+\)"),
    "two kinds, one collection": ("collection: projects", "collection: events", 0,
                                  r"kinds `event` and `project` both have `collection: events`"),
    "collection as its folder": ("collection: events", "collection: _events", 0,
                                 r"`collection: _events` names a folder.*Hint: .*`collection: events`"),
    # values of the wrong kind
    "label a number": ("    label: title\n    date_keys: [date, dates]", "    label: 5\n    date_keys: [date, dates]", 0,
                       r"kind `event`: `label` must be text, not the number 5"),
    "identity names no link key": ("identity: link", "identity: homepage", 0,
                                   r"kind `funder`: `identity: homepage` names no key of type iri"),
    "boolean option in quotes": ("speakers: {speakers: true}", 'speakers: {speakers: "false"}', 0,
                                 r"key `speakers`: `speakers` must be `true` or `false` \(the key names speakers\), a speaker's "
                                 r"field .* not the text 'false'"),
    "body option in quotes": ("body: {speakers: true,", 'body: {speakers: "yes",', 0,
                              r"`body: speakers` must be `true` or `false`"),
    "ref without type ref": ("category: {property: kg:category, vocabulary: true}",
                             "category: {property: kg:category, vocabulary: true, ref: topic}", 0,
                             r"`ref` is read only with `type: ref`"),
    "rule a number": ("subtitle: {property: schema:alternativeHeadline}", "subtitle: 5", 0,
                      r"key `subtitle`: the rule must be a mapping"),
    "links switched off": ("body: {speakers: true,", "body: {links: false, speakers: true,", 0,
                           r"`body: links` cannot be switched off"),
    "speakers on a kind that is no event": ("completed: {property: kg:completed, type: boolean}",
                                            "completed: {speakers: true}", 0,
                                            r"kind `project`, key `completed`: `speakers: true`: speakers are people "
                                            r"on stage at an event, and kind `project` is not one"),
    "series on a kind that is no event": ("completed: {property: kg:completed, type: boolean}",
                                          "completed: {series: true}", 0,
                                          r"kind `project`, key `completed`: `series: true` names the series of an "
                                          r"event, and series are found among the pages of kind `event` only"),
    # not YAML
    "unclosed flow mapping": ("title: {property: schema:name}", "title: {property: schema:name", 1,
                              r"mapping file is not valid YAML: .*flow mapping that starts on line \d+"),
}


@pytest.mark.parametrize("name", CASES)
def test_a_bad_mapping_is_one_error_at_its_line(tmp_path: Path, name: str) -> None:
    old, new, below, message = CASES[name]
    text, line = changed(old, new)
    err = error_of(tmp_path, text)
    assert err.hint, str(err)
    assert err.line is not None and line <= err.line <= line + new.count("\n") + below, (str(err), line)
    assert str(err).startswith(f"{tmp_path / 'mapping.yml'}:{err.line}: ")
    assert re.search(message, str(err)), str(err)


def test_kinds_written_as_a_list_is_one_error_at_its_line(tmp_path: Path) -> None:
    head = SHIPPED[:SHIPPED.index("\nkinds:")]
    err = error_of(tmp_path, head + "\nkinds: [event]\n")
    assert err.line == head.count("\n") + 2
    assert "`kinds:` must be a mapping of kind name -> settings, not a list" in str(err) and err.hint


def test_a_prefix_used_with_no_prefixes_section_says_to_write_one(tmp_path: Path) -> None:
    err = error_of(tmp_path, "kinds:\n  event:\n    collection: events\n    class: [schema:Event]\n")
    assert err.line == 4 and "unknown prefix in `schema:Event`" in str(err)
    assert err.hint == "declare it in a `prefixes:` section, e.g. `schema: https://schema.org/`"


def test_a_mapping_that_is_not_utf8_is_one_error(tmp_path: Path) -> None:
    err = error_of(tmp_path, b"\xff\xfe" + SHIPPED.encode("utf-16-le"))
    assert err.line == 1 and "not UTF-8 text (byte 0xff, a UTF-16 byte order mark)" in str(err)
    assert "save it as UTF-8" in err.hint
    text, line = changed("# kg mapping", "# kg mapping caf\xe9")
    err = error_of(tmp_path, text.encode("latin-1"))
    assert err.line == line and "byte 0xe9" in str(err)


def test_the_duplicate_key_error_names_both_lines(tmp_path: Path) -> None:
    text, line = changed("      subtitle: {property: schema:alternativeHeadline}\n      date:",
                         "      title: {property: schema:alternativeHeadline}\n      date:")
    err = error_of(tmp_path, text)
    assert err.line == line
    assert f"(lines {line - 1} and {line})" in str(err)


def test_date_keys_written_alone_is_a_list_of_one(tmp_path: Path) -> None:
    """``date_keys: date`` names the key `date`, not the keys d, a, t and e."""
    text, _ = changed("date_keys: [date, dates]", "date_keys: date")
    (tmp_path / "mapping.yml").write_text(text, encoding="utf-8")
    assert load_mapping(tmp_path / "mapping.yml").kinds["event"].date_keys == ["date"]
    text, line = changed("date_keys: [date, dates]", "date_keys: [date, 5]")
    assert error_of(tmp_path, text).line == line


def test_keys_are_the_text_written(tmp_path: Path) -> None:
    """A front-matter key `on` or `010` is mapped as written (YAML 1.1 would make them
    True and 8, which no front-matter key is)."""
    text, _ = changed("      image: {property: schema:image}\n      speakers:",
                      "      on: {property: schema:image}\n      010: {property: schema:image}\n      speakers:")
    (tmp_path / "mapping.yml").write_text(text, encoding="utf-8")
    assert {"on", "010"} <= set(load_mapping(tmp_path / "mapping.yml").kinds["event"].keys)


def test_anchors_and_merge_keys_still_work(tmp_path: Path) -> None:
    (tmp_path / "mapping.yml").write_text(
        "prefixes: {schema: https://schema.org/}\n"
        "kinds:\n  event: &page\n    collection: events\n    keys:\n      title: {property: schema:name}\n"
        "  post:\n    <<: *page\n    collection: posts\n", encoding="utf-8")
    mapping = load_mapping(tmp_path / "mapping.yml")
    assert mapping.kinds["post"].collection == "posts"
    assert mapping.kinds["post"].keys["title"].property == "https://schema.org/name"
    (tmp_path / "mapping.yml").write_text("kinds: &k\n  event: *k\n", encoding="utf-8")
    assert "refers to a value it is part of" in str(error_of(tmp_path, "kinds: &k\n  event: *k\n"))


def test_the_shipped_mapping_reads_as_before() -> None:
    mapping = load_mapping()
    event = mapping.kinds["event"]
    assert event.date_keys == ["date", "dates"] and event.label == "title"
    assert event.body == {"speakers": True, "ordinal": True, "terms": True}
    assert event.keys["author"].split.pattern == r"\s*(?:,|&|\band\b)\s*"
    assert mapping.kinds["funder"].identity == "link"
    assert [k.collection for k in mapping.kinds.values()] == [
        "events", "projects", "people", "topics", "funders", "posts", "resources"]


def test_a_mapping_given_as_data_is_checked_too() -> None:
    """Without a file there is no line, but the same checks."""
    with pytest.raises(MappingError, match=r"`speakers` must be `true` or `false`") as info:
        parse_mapping({"kinds": {"event": {"collection": "events", "keys": {"speakers": {"speakers": "false"}}}}})
    assert info.value.line is None
    with pytest.raises(MappingError, match="unknown section `kind`"):
        parse_mapping({"kind": {}})


def test_the_cli_prints_one_error_line_and_exits_2(tmp_path: Path) -> None:
    text, line = changed('split: "\\\\s*,\\\\s*"', 'split: "("')
    bad = tmp_path / "mapping.yml"
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE_SITE), "--mapping", str(bad), "--out", str(tmp_path / "g")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {bad}:{line}: kind `event`, key `dates`: `split` is not a valid regex")
    assert result.stderr.count("\n") == 1 and "Hint: " in result.stderr
    assert "Traceback" not in result.output


def test_a_mapping_without_an_event_kind_says_what_it_loses(tmp_path: Path) -> None:
    """A site that named its events' kind `talk` got no series and no related events, without a word."""
    text, line = changed("  event:\n", "  talk:\n")
    (tmp_path / "mapping.yml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE_SITE), "--out", str(tmp_path / "g"),
                                      "--mapping", str(tmp_path / "mapping.yml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    [said] = [d for d in report["diagnostics"] if d["code"] == "no-event-kind"]
    assert said["severity"] == "warning" and said["path"] == str(tmp_path / "mapping.yml")
    assert said["line"] == line + 1  # at the first kind (its `collection:`), where the kinds are named
    assert "no kind named `event` (it has talk, " in said["message"] and "collection: talks" in said["hint"]
    assert report["series"] == []
    shipped = CliRunner().invoke(cli, ["build", str(EXAMPLE_SITE), "--out", str(tmp_path / "s"), "--format", "json"])
    assert "no-event-kind" not in shipped.output


def test_a_kind_whose_collection_config_does_not_declare_is_said_at_its_line(make_site, tmp_path: Path) -> None:
    """A mapping reading `talks` from a site whose _config.yml does not declare it read
    nothing (as Jekyll makes no pages of `_talks/`), without a word."""
    text, line = changed("    collection: events\n", "    collection: talks\n")
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(text, encoding="utf-8")
    site = make_site({"_talks/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nBody.\n"})
    graph = kg.build_site(site, tmp_path / "g", mapping=mapping)
    [said] = [d for d in graph.report["diagnostics"] if d["code"] == "undeclared-collection"]
    assert (said["severity"], said["path"], said["line"]) == ("warning", str(mapping), line)
    assert said["message"].startswith("kind `event` reads collection `talks`, but _config.yml does not declare it")
    assert "_talks/" in said["message"] and said["hint"].startswith("add `talks:` under `collections:`")
    assert graph.report["files_by_kind"].get("event", 0) == 0  # (Jekyll reads none of it either)


def test_a_broken_collections_setting_is_its_one_error_not_a_warning_per_kind(make_site) -> None:
    """`collections: events` (text) also gave a misleading `undeclared-collection` warning for each kind."""
    site = make_site({"_config.yml": "url: https://site.example.org\ncollections: events\n",
                      "_events/2024-01-01-a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nBody.\n"})
    codes = sorted({d["code"] for d in kg.build_site(site).report["diagnostics"] if d["severity"] != "info"})
    assert codes == ["bad-setting"]


def test_a_collection_the_site_lacks_altogether_is_one_info_at_its_line(tmp_path: Path) -> None:
    """The shipped mapping names `resources`, which the example site does not have (no
    folder either): was said nowhere, so a misspelt `collection:` read nothing without a
    word. Now one info at the mapping's line; not a warning, as a shared mapping may name
    more than a site has, so `kg build` still prints only the site's own problems."""
    _, line = changed("    collection: resources\n", "    collection: resources\n")
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE_SITE), "--out", str(tmp_path / "g")])
    assert result.exit_code == 0, result.output
    assert "  0 errors, 3 warnings\n" in result.output and "resource" not in result.output
    for _ in range(2):  # once, and once again on a build that reuses the last one's work
        graph = kg.build_site(EXAMPLE_SITE, tmp_path / "g")
        [said] = [d for d in graph.report["diagnostics"] if "collection" in d["code"]]
        assert (said["code"], said["severity"], said["path"], said["line"]) == \
            ("absent-collection", "info", str(default_mapping_path()), line)
        assert said["message"] == ("kind `resource` reads collection `resources`, which this site does not have "
                                   "(not in _config.yml's `collections:`, no _resources/ folder): kg finds no page "
                                   "of kind `resource`")
        assert said["hint"].startswith("nothing to do if the site has none; if it keeps them in another collection")


def test_a_misspelt_collection_is_noted_at_its_line(tmp_path: Path) -> None:
    text, line = changed("    collection: events\n", "    collection: event\n")
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(text, encoding="utf-8")
    graph = kg.build_site(EXAMPLE_SITE, tmp_path / "g", mapping=mapping)
    said = {d["message"].split(",")[0]: d for d in graph.report["diagnostics"] if d["code"] == "absent-collection"}
    assert sorted(said) == ["kind `event` reads collection `event`", "kind `resource` reads collection `resources`"]
    event = said["kind `event` reads collection `event`"]
    assert (event["severity"], event["path"], event["line"]) == ("info", str(mapping), line)
    assert graph.report["files_by_kind"].get("event", 0) == 0
