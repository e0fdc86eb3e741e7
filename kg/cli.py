"""The ``kg`` command: a thin layer over the Python API in :mod:`kg`.

Exit status: 0 ok; 1 ran and found problems (``--strict`` with errors, failed
validation, ``related --site`` kept from writing a data file); 2 could not run (bad
usage, no such site, invalid mapping or query, a file that cannot be written, a store
that did not keep what ``push`` sent); 130 interrupted (Ctrl-C).
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator

import click

from . import open_graph, run_query
from .errors import Diagnostic, KgError, StoreError, counted
from .query import DEFAULT_TIMEOUT, FORMATS, format_result, load, names

DEFAULT_GRAPH = "graphs"
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class KgGroup(click.Group):
    """Turns every :class:`KgError` into ``Error: …`` on stderr and exit status 2; so
    too a file kg could not read or write (an ``OSError`` that no command turned into a
    :class:`KgError` first); Ctrl-C into ``Interrupted.`` and 130, as a shell does."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (KgError, OSError) as exc:
            if ctx.params.get("traceback") or isinstance(exc, BrokenPipeError):
                raise
            if isinstance(exc, OSError):
                from .store import file_error
                exc = file_error(None, exc, None)
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            if ctx.params.get("traceback"):
                raise
            click.echo("Interrupted.", err=True)
            sys.exit(130)


def graph_option(f):
    return click.option("--graph", "graph_dir", default=DEFAULT_GRAPH, show_default=True,
                        type=click.Path(file_okay=False), help="Folder of a graph written by `kg build`.")(f)


def site_options(f):
    """``--mapping`` and ``--base-url``: how a command that reads SITE reads it."""
    f = click.option("--base-url",
                     help="Scheme and host of the site (default: `url` in _config.yml, else the CNAME file).")(f)
    return click.option("--mapping", type=click.Path(dir_okay=False),
                        help="Mapping file (default: SITE/_kg/mapping.yml, else kg's own).")(f)


def output_option(f):
    return click.option("-o", "--output", default="-", show_default=True, type=click.Path(dir_okay=False),
                        help="Write to this file instead of standard output (`-`).")(f)


#: the format a file's name asks for, when --format is not given: `-o speakers.csv` is CSV
_FORMAT_OF_SUFFIX = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".ttl": "turtle", ".nt": "ntriples"}


def _format_for(fmt: str, output: str, formats: tuple[str, ...] | list[str], default_gives: str | None = None) -> str:
    """``fmt``, unless it is the default and ``output`` names a file whose suffix says
    which of ``formats`` it is (a table, cut to fit a terminal, is never what a
    ``.csv`` file wants). ``default_gives`` says what the default writes for this result, in
    the note for a file whose suffix says no format (Turtle for a CONSTRUCT)."""
    ctx = click.get_current_context()
    if ctx.get_parameter_source("fmt") is not click.core.ParameterSource.DEFAULT or output == "-":
        return fmt
    suffix = Path(output).suffix.lower()
    wanted = _FORMAT_OF_SUFFIX.get(suffix)
    if wanted in formats:
        return wanted
    if suffix not in ("", ".txt", f".{fmt}"):
        ends = [s for s, f in _FORMAT_OF_SUFFIX.items() if f in formats]
        what = default_gives or ("a text table, as on a terminal" if fmt == "table" else fmt)
        click.echo(f"Note: kg writes no {suffix} files: {output} gets {what} (a file whose name ends "
                   f"{', '.join(ends[:-1])} or {ends[-1]} gets that format; or give --format)", err=True)
    return fmt


def _check_output(output: str) -> None:
    """Refuse, before any work, an output file in a folder that is not there (a typo in the
    path: the folders are not made for it)."""
    folder = Path(output).parent
    if output != "-" and not folder.is_dir():
        there = "is a file, not a folder" if folder.exists() else "does not exist"
        raise StoreError(f"cannot write {output}: the folder {folder} {there}.",
                         hint="make the folder first, or correct the path")


def _emit(text: str | Iterable[str], output: str) -> None:
    """Write ``text`` (or its pieces, as they come) to standard output or, whole or not at all, to ``output``."""
    with _writer(output) as write:
        for piece in (text,) if isinstance(text, str) else text:
            write(piece)


@contextlib.contextmanager
def _writer(output: str) -> Iterator[Callable[[str], None]]:
    """A function that writes text to standard output (``-``) or to ``output``, which
    is put in place whole when the block ends well and not at all otherwise (a device
    or a pipe is written as the text comes). A failure to write is an error naming
    ``output``; the block's own errors pass through as they are."""
    if output == "-":
        yield lambda piece: click.echo(piece, nl=False)
        return
    from .store import file_error, output_file
    _check_output(output)
    own: BaseException | None = None
    try:
        with output_file(Path(output)) as fh:
            def write(piece: str) -> None:
                try:
                    fh.write(piece.encode("utf-8"))
                except OSError as exc:
                    raise file_error(output, exc) from exc
            try:
                yield write
            except BaseException as exc:
                own = exc
                raise
    except OSError as exc:
        if exc is own:
            raise
        raise file_error(output, exc) from exc


@click.group(cls=KgGroup, context_settings=CONTEXT)
@click.option("--traceback", is_flag=True, help="Show the full traceback of errors (for developers).")
@click.version_option(package_name="kg")
def cli(traceback: bool) -> None:
    """kg: a knowledge graph of a Jekyll site.

    Build the graph of a site's events, projects, people, organisations and topics;
    query it with named SPARQL queries; draw it; list related events.

    \b
    Exit status: 0 ok, 1 problems found (--strict, validate, related --site),
    2 could not run, 130 interrupted.

    \b
    Example:
        kg build examples/site && kg query speakers
    """


@cli.command()
@click.argument("site", type=click.Path(exists=False, file_okay=False))
@click.option("--out", default=DEFAULT_GRAPH, show_default=True, type=click.Path(file_okay=False),
              help="Folder to write graph.nq, store/ and report.json to.")
@site_options
@click.option("--curation", type=click.Path(dir_okay=False), help="Curation file (default: SITE/_kg/curation.yml).")
@click.option("--strict", is_flag=True, help="Exit 1 when any file has an error (or, with --validate, a violation).")
@click.option("--validate", "shacl", is_flag=True, help="Also check the graph against the SHACL shapes.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Summary as text or as the JSON report.")
@click.option("-v", "--verbose", is_flag=True, help="List every warning, not just the first ones.")
def build(site: str, out: str, mapping: str | None, base_url: str | None, curation: str | None, strict: bool,
          shacl: bool, fmt: str, verbose: bool) -> None:
    """Build the knowledge graph of the Jekyll site in SITE.

    Writes OUT/graph.nq (N-Quads, one named graph per source file), OUT/store/ (an
    Oxigraph store that the other commands open), OUT/report.json and OUT/cache/
    (what lets the next build read only the files that changed; safe to delete).

    \b
    Example:
        kg build ../my-site --out graphs/
    """
    from .build import build_site

    if not out.strip():  # (an empty $OUT in a script): never the current folder unasked
        raise click.BadParameter("an empty folder name", param_hint="'--out'")
    report = build_site(site, out, mapping=mapping, base_url=base_url, curation=curation,
                        progress=_progress_display(), validate=shacl).report
    checked = report.get("shacl", {})
    violations = checked.get("violations", 0)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        text = summary(report, out, limit=None if verbose else SUMMARY_LISTS)
        if shacl:
            listed = verbose or sum(d["severity"] in ("error", "warning") for d in report.get("diagnostics", [])) \
                <= SUMMARY_LISTS
            text += f"  SHACL: {_shacl_summary(checked, listed)}\n"
        click.echo(text, nl=False)
    if checked.get("error"):  # the check itself broke (a bug): everything else is written and said
        click.echo(f"Error: {checked['error']}", err=True)
        sys.exit(2)
    if strict and (report.get("errors") or violations):
        sys.exit(1)


def _shacl_summary(checked: dict, listed: bool = True) -> str:
    """The build's SHACL line: conforms or how many violations, how many warnings, and
    how many of them the build's own diagnostics do not already say (``kg validate``
    folds those into its list by file); "above" when all of those are listed above."""
    violations, warnings = checked.get("violations", 0), checked.get("warnings", 0)
    found = violations + warnings
    new = checked.get("unsaid", found)
    text = f"{'conforms' if not violations else counted(violations, 'violation')}, {counted(warnings, 'warning')}"
    if not found:
        return text
    where = "above" if listed else "among the build's warnings"   # (``listed``: every one of those is shown)
    if not new:
        return text + f" ({'said' if found == 1 else 'both said' if found == 2 else 'all said'} {where})"
    return text + (f" ({new} not said {where}: `kg validate SITE` lists {'it' if new == 1 else 'them'} "
                   "by file and line)")


def _progress_display():
    """A one-line progress display on a terminal; nothing in CI or when output is piped."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(stage: str, done: int, total: int) -> None:
        what = f"reading files {done}/{total}" if stage == "reading" else f"{stage} done"
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {what:<40}")
        if stage == "save" or (stage == "report" and done >= total):
            sys.stderr.write("\r" + " " * (width + 44) + "\r")
        sys.stderr.flush()
    return show


#: How many errors and warnings a build's summary lists (without ``-v``)
SUMMARY_LISTS = 20


def summary(report: dict, out: str | None = None, limit: int | None = SUMMARY_LISTS,
            more: str = "kg build -v") -> str:
    """The build report as a few lines of text: the first ``limit`` errors and warnings
    (all when 0 or ``None``), then how many more, and the command (``more``) that lists them."""
    lines = [f"Built {report.get('base_url')}: {counted(report.get('files'), 'file')}, "
             f"{counted(report.get('quads'), 'quad')} in {report.get('seconds')} s" + (f" -> {out}" if out else "")]
    kinds = ", ".join(f"{n} {k}" for k, n in report.get("files_by_kind", {}).items())
    lines.append(f"  files: {kinds or 'none'}")
    classes = report.get("nodes_by_class", {})
    lines.append("  nodes: " + (", ".join(f"{n} {c}" for c, n in classes.items()) or "none"))
    diags = report.get("diagnostics", [])
    unjoined = sum(1 for d in diags if d.get("code") == "unjoined-series")
    lines.append(f"  series: {len(report.get('series', []))}" + (
        f"; {counted(unjoined, 'title')} shared by events that nothing joins into a series "
        "(kg validate --infos, or see report.json)" if unjoined else ""))
    lines.append(f"  {counted(report.get('errors', 0), 'error')}, {counted(report.get('warnings', 0), 'warning')}")
    shown = [d for d in diags if d["severity"] in ("error", "warning")]
    for d in shown[:limit] if limit else shown:
        lines.append(f"  {Diagnostic(**d)}")  # (the report's dicts are Diagnostic.to_dict()'s)
    if limit and len(shown) > limit:
        lines.append(f"  … {len(shown) - limit} more ({more}, or see report.json)")
    return "\n".join(lines) + "\n"


def _params(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        key, sep, value = v.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{v!r} is not NAME=VALUE", param_hint="--param")
        key = key.strip()
        if key in out:
            raise click.BadParameter(f"{key!r} is given twice ({key}={out[key]!r}, {key}={value!r}): "
                                     f"give each parameter once", param_hint="--param")
        out[key] = value
    return out


def timeout_option(f):
    return click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
                        help=f"Seconds to wait for the store to answer  [default: {DEFAULT_TIMEOUT:g}]")(f)


@cli.command()
@click.argument("name", required=False)
@graph_option
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter (repeatable), bound as an RDF term.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="How to write the answer: a SELECT's rows as table, csv, tsv or json; an ASK's as true or "
                   "false (json: SPARQL results); a CONSTRUCT's or DESCRIBE's triples as turtle (table too) or "
                   "ntriples.")
@click.option("--list", "list_", is_flag=True, help="List the named queries and their parameters.")
@click.option("--endpoint", metavar="URL", help="Run on a remote SPARQL store (see kg push) instead of --graph.")
@timeout_option
@click.option("--base-url", metavar="URL",
              help="With --endpoint: the site's base URL, which turns a site path given for an IRI parameter "
                   "into the IRI (default: the one in --graph's report.json).")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="SPARQL engine for --graph: Oxigraph's store, or rdflib's in-memory store (slow, pure Python).")
@output_option
def query(name: str | None, graph_dir: str, params: tuple[str, ...], fmt: str, list_: bool,
          endpoint: str | None, timeout: float | None, base_url: str | None, engine: str, output: str) -> None:
    """Run a named query (see --list) or a .rq file over a built graph.

    Any query form runs: SELECT (rows), ASK (true or false), CONSTRUCT and DESCRIBE
    (triples, as Turtle). Updates, LOAD and SERVICE are refused.

    With --endpoint it runs on a remote store instead; an IRI parameter given as a site
    path (/events/x) is completed with --base-url, else with the base URL in the report
    of the graph folder --graph (as kg push reads it).

    \b
    Example:
        kg query speakers --format json
        kg query person-timeline --param "person_name=Jeni Tennison"
        kg query series --endpoint http://127.0.0.1:7878
        kg query speakers --endpoint http://127.0.0.1:7878 --param event=/events/x
    """
    if list_ or not name:
        lines = []
        for n in names():
            q = load(n)
            lines.append(f"{n}: {q.description}")
            lines += [f"    --param {p.name}=… ({p.type}{', optional' if p.optional else ''}): {p.description}"
                      for p in q.params]
        _emit("\n".join(lines) + "\n", output)
        return
    if base_url and not endpoint:
        raise click.UsageError("--base-url is for --endpoint: a graph built by `kg build` knows its base URL")
    if timeout is not None and not endpoint:
        raise click.UsageError("--timeout is for --endpoint: a query on --graph runs here, with no store to wait for")
    if endpoint:
        from .remote import RemoteStore, graph_base_url, remote_query

        remote = RemoteStore.at(endpoint, timeout=timeout or DEFAULT_TIMEOUT)
        bound = _params(params)
        if not base_url and any(v.startswith("/") for v in bound.values()):  # only a site path needs it
            base_url = graph_base_url(graph_dir)
        result = remote_query(name, remote, base_url, **bound)
    else:
        result = run_query(name, graph_dir, engine=engine, **_params(params))
    gives = "Turtle" if result.triples is not None and fmt == "table" else \
        "true or false" if result.boolean is not None and fmt == "table" else None
    _emit(format_result(result, _format_for(fmt, output, FORMATS, gives)), output)
    for note in getattr(result, "notes", ()):
        click.echo(f"Note: {note}", err=True)


@cli.command()
@click.argument("site", type=click.Path(file_okay=False))
@site_options
@click.option("--shapes", type=click.Path(dir_okay=False), help="SHACL shapes (default: kg's ontology/shapes.ttl).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option("--infos", is_flag=True, help="Also list informational notes (near misses, series gaps).")
@output_option
def validate(site: str, mapping: str | None, base_url: str | None, shapes: str | None, fmt: str, strict: bool,
             infos: bool, output: str) -> None:
    """Check a site like a linter: every problem, grouped by the file to fix.

    Reads the site (nothing is written), then reports what the build found (invalid
    front matter, duplicate keys, unknown projects and people with the likely intended
    name, dates that disagree with file names, inconsistent categories) and what the
    SHACL shapes find. Exit status 1 when there are errors (or, with --strict, warnings).

    \b
    Example:
        kg validate ../my-site
        kg validate ../my-site --format json -o lint.json
    """
    from .build import build_site
    from .validate import format_lint, lint

    report = lint(build_site(site, mapping=mapping, base_url=base_url), shapes, infos=infos)
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n" if fmt == "json" else format_lint(report)
    _emit(text, output)
    if report.error:  # the check itself broke (a bug): what it found is written, and said
        click.echo(f"Error: {report.error}", err=True)
        sys.exit(2)
    if report.count("error") or (strict and report.count("warning")):
        sys.exit(1)


@cli.command()
@graph_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="List every error and warning (else the first 20).")
def stats(graph_dir: str, fmt: str, verbose: bool) -> None:
    """Summarise a built graph: files, nodes by class, quads, series, problems.

    \b
    Example:
        kg stats --graph graphs/
    """
    from .store import REPORT_FILE

    graph = open_graph(graph_dir)
    report = dict(graph.report)
    report_file = Path(graph_dir) / REPORT_FILE
    if not report_file.exists():  # (graph.report is then {}): what the store alone can tell
        note = (f"no build report ({report_file} is missing): files, nodes, series and problems are unknown; "
                f"kg build writes it")
        if fmt == "json":
            click.echo(json.dumps({"quads": len(graph), "report": None}, indent=2))
            click.echo(f"Note: {note}", err=True)
        else:
            click.echo(f"Graph in {graph_dir}: {counted(len(graph), 'quad')}; {note}")
        return
    if "files" not in report:
        raise StoreError("not a kg build report: it has no `files`", path=report_file,
                         hint="run `kg build SITE --out DIR` again to write it")
    report["quads"] = len(graph)
    if fmt == "json":
        click.echo(json.dumps({k: v for k, v in report.items() if k != "diagnostics"}, indent=2))
    else:
        click.echo(summary(report, limit=0 if verbose else 20, more="kg stats -v"), nl=False)


@cli.command()
@graph_option
@click.option("--format", "fmt", type=click.Choice(["json", "table", "csv", "tsv"]), default="json", show_default=True)
@click.option("--top", type=click.IntRange(1, 100), help="Suggestions per event (default 10, or the weights' `top`).")
@click.option("--weights", type=click.Path(dir_okay=False), help="A YAML file of weights (see ontology/related.yml).")
@click.option("--site", "site_dir", type=click.Path(file_okay=False),
              help="Write SITE/_data/*.json and SITE/_includes/*.html for the site to render, instead of printing.")
@output_option
def related(graph_dir: str, fmt: str, top: int | None, weights: str | None, site_dir: str | None, output: str) -> None:
    """List related events for every event, with scores and reasons.

    Signals: same series, shared speakers and organisations, same project (and parent
    project), shared topics, the same author, links between the pages, similar text; closeness in time
    raises a score but never makes a suggestion. With --site, writes the data the
    site renders: related events, backlinks for people, organisations, projects and
    topics, and schema.org JSON-LD, with one-line includes; exit status 1 when a file
    of the site's own keeps kg from writing one of its data files (the rest written).

    \b
    Example:
        kg related --graph graphs --format json
        kg related --top 5 --format table
        kg related --site ../my-site
    """
    from .related import RelatedWriter, related_events

    _check_output(output)
    graph = open_graph(graph_dir)
    if site_dir:
        from .jekyll import export_site

        done = export_site(graph, site_dir, top=top, weights=weights, warn=_warning)
        for path in done["written"]:
            click.echo(f"wrote {path}")
        for path in done["kept"]:
            if path in done["warnings"]:  # the site's own file: kg's data of that name was not written
                click.echo(f"Warning: {done['warnings'][path]}", err=True)
            else:
                click.echo(f"kept {path} (changed by the site; delete it to get kg's version)")
        if done["warnings"]:  # the site does not get some of kg's data: a CI job should see it
            sys.exit(1)
        return
    # each event's suggestions written as they come, never all held (at 100,000 events
    # they are hundreds of megabytes, and their text 0.3 GB; a table's rows are held, its
    # columns being as wide as their widest value)
    with _writer(output) as write:
        writer = RelatedWriter(_format_for(fmt, output, ("json", "table", "csv", "tsv")), write)
        related_events(graph, top, weights, each=writer, warn=_warning)
        writer.close()


def _warning(message: str) -> None:
    """What the API says to its ``warn`` (events without pages, so no related events), on stderr."""
    click.echo(f"Warning: {message}", err=True)


@cli.command()
@graph_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=int, help="Port to listen on (0: any free port).")
@click.option("--timeout", default=10.0, show_default=True, type=float, help="Seconds a query may run.")
@click.option("--max-rows", default=10_000, show_default=True, type=int, help="Rows (or triples) returned at most.")
@click.option("--allow-host", multiple=True, metavar="NAME",
              help="Another Host header to answer to (repeatable), e.g. the public name behind a proxy.")
@click.option("--get", "get_path", metavar="PATH",
              help="Run one GET request (e.g. '/queries/series'), print the answer and exit; an error answer "
                   "(HTTP 4xx, 5xx) goes to stderr as `Error: HTTP …`, exit status 2.")
def serve(graph_dir: str, host: str, port: int, timeout: float, max_rows: int, allow_host: tuple[str, ...],
          get_path: str | None) -> None:
    """Serve a built graph as a read-only SPARQL 1.1 endpoint.

    Oxigraph's own server answers the queries; kg refuses updates, LOAD and SERVICE,
    caps results, checks the Host header and serves the named queries at /queries/NAME.

    \b
    Example:
        kg serve --graph graphs/ --port 7878
        curl 'http://127.0.0.1:7878/queries/person-timeline?person_name=Jeni%20Tennison'
        kg serve --get '/sparql?query=ASK{?s?p?o}'
    """
    from .serve import Endpoint, Server, get, interrupt_on_sigterm

    if get_path is not None and not get_path.startswith("/"):  # '' too: never start a server instead
        raise click.BadParameter(f"{get_path!r} is not a path: a path starts with /, e.g. '/queries/series'",
                                 param_hint="'--get'")
    ep = Endpoint(Path(graph_dir), host=host, port=port, timeout=timeout, max_rows=max_rows,
                  allowed_hosts=list(allow_host))
    if get_path is not None:
        status, _headers, body = get(ep, get_path)
        if status >= 400:  # the request could not be answered: like any other error, exit 2
            click.echo(_error_line(status, body), err=True)
            sys.exit(2)
        click.echo(body.decode("utf-8", "replace"), nl=False)
        return
    server = Server(ep)
    interrupt_on_sigterm()  # before anyone is told the endpoint is up: stopped by SIGTERM, it stops the engine
    try:
        click.echo(f"SPARQL endpoint at {server.url} (named queries at /queries); Ctrl-C to stop", err=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _error_line(status: int, body: bytes) -> str:
    """An endpoint's error response as the CLI's one line, ``Error: HTTP 404: …``.

    kg's own errors are JSON (``{"error": …, "status": …}``); the engine's are text,
    whose lines are joined.
    """
    text = body.decode("utf-8", "replace")
    try:
        message = json.loads(text)["error"]
    except (ValueError, TypeError, KeyError):
        message = text
    return f"Error: HTTP {status}: " + (" ".join(str(message).split()) or "(no message)")


@cli.command()
@graph_option
@click.option("--endpoint", required=True, metavar="URL", help="The store's base URL (Oxigraph: http://host:7878).")
@click.option("--query-url", metavar="URL", help="Its SPARQL query service (default: URL/query).")
@click.option("--update-url", metavar="URL", help="Its SPARQL update service (default: URL/update).")
@click.option("--store-url", metavar="URL",
              help="Its Graph Store Protocol service (default: URL/store; Fuseki: URL/data).")
@click.option("--allow-errors", is_flag=True, help="Push even when the build reported errors or the graph violates the SHACL shapes.")
@timeout_option
def push(graph_dir: str, endpoint: str, query_url: str | None, update_url: str | None, store_url: str | None,
         allow_errors: bool, timeout: float | None) -> None:
    """Publish a built graph to a SPARQL store, sending only the files' graphs that changed.

    Each changed graph is uploaded to a temporary graph first and all are moved into
    place by one SPARQL Update, so a failed push leaves the store as it was. The query
    service must then show what was sent: a service that answers without storing it (a
    login page, a static web server) is an error, exit status 2.

    \b
    Example:
        kg push --graph graphs/ --endpoint http://127.0.0.1:7878
        kg push --endpoint http://localhost:3030/ds --store-url http://localhost:3030/ds/data
    """
    from .remote import RemoteStore, push as push_graph

    remote = RemoteStore.at(endpoint, query_url=query_url, update_url=update_url, store_url=store_url,
                            timeout=timeout or DEFAULT_TIMEOUT)
    result = push_graph(open_graph(graph_dir), remote, allow_errors=allow_errors)
    click.echo(f"Pushed {len(result.sent)} graph(s), removed {len(result.removed)}, "
               f"{result.unchanged} unchanged -> {endpoint}")


@cli.command()
@click.argument("views", nargs=-1, metavar="[VIEW]...")
@graph_option
@click.option("--out", type=click.Path(file_okay=False),
              help="Folder for the pages (VIEW.html, ego-NAME.html, participants.png)  [default: GRAPH/views]")
@click.option("--center", "--centre", "center", metavar="NAME|PATH|IRI",
              help="Also draw the ego view around this event, person, organisation, project or topic "
                   "(besides any named after `ego`).")
@click.option("--depth", default=2, show_default=True, type=click.IntRange(0, 10),
              help="How many links out from the centre the ego view reaches.")
@click.option("--no-png", is_flag=True, help="Do not draw the static participants.png.")
@click.option("--list", "list_", is_flag=True, help="List the views and what each shows.")
def viz(views: tuple[str, ...], graph_dir: str, out: str | None, center: str | None, depth: int, no_png: bool,
        list_: bool) -> None:
    """Draw the graph as interactive network pages that open offline in a browser.

    VIEW is participants, series, projects or overview (default: all four); `ego NAME...`
    (or --center NAME) draws the network around each event, person, organisation,
    project or topic named, one page each. Each page is one UTF-8 HTML file with
    everything inlined: colour and shape by kind with a legend, a search box, filters
    by kind, tooltips, links to the site's pages. Site text is escaped, and the page runs no other script.

    \b
    Example:
        kg viz --graph graphs
        kg viz participants series --out views
        kg viz ego "Jeni Tennison" --depth 1
        kg viz ego "Jeni Tennison" "Open Data Institute"
    """
    from .viz import EGO_DESCRIPTION, VIEWS, write_views

    if list_:
        lines = [f"{v.name}: {v.description}" for v in VIEWS.values()]
        lines.append(f"ego: {EGO_DESCRIPTION} (kg viz ego NAME, or --center NAME; --depth, default 2)")
        click.echo("\n".join(lines))
        return
    names = list(views)
    centers = [center] if center is not None else []
    if "ego" in names:  # every word after `ego` names a centre
        at = names.index("ego")
        if at == len(names) - 1 and not centers:
            raise click.UsageError("`kg viz ego` needs the name, path or IRI of the node to centre on")
        centers = names[at + 1:] + centers
        names = names[:at + 1]
    written = write_views(open_graph(graph_dir), out or str(Path(graph_dir) / "views"),
                          names or None, center=centers or None, depth=depth, png=not no_png,
                          warn=lambda m: click.echo(f"Note: {m}", err=True))
    for path in written:
        click.echo(str(path))

