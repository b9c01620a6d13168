"""`claimops mine quality|rules|segments|refresh`: data quality, association rules, segments; stored runs.

Each command reads the configured database through :mod:`claimops.mining.analysis` (the connection is
held only while the claims are read), prints a readable table or, with ``--format json``, the service's
dict. A problem ends with one line on stderr and exit code 2; nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

import typer

from claimops.errors import ClaimopsError

app = typer.Typer(
    help="Claims data mining: data quality, association rules, segments.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


Format = Literal["table", "json"]
Target = Literal["denied", "fraud", "large_loss", "investigated", "dispute"]
Kind = Literal["claims", "customers"]

FormatOpt = Annotated[Format, typer.Option("--format", help="table or json")]
LangOpt = Annotated[str, typer.Option("--lang", help="zh or en")]
SinceOpt = Annotated[str | None, typer.Option(help="claims reported on or after this day, YYYY-MM-DD")]
UntilOpt = Annotated[str | None, typer.Option(help="claims reported before this day, YYYY-MM-DD")]
CsvOpt = Annotated[
    Path | None,
    typer.Option("--csv", help="claims from this CSV (the loader's column names), not the database"),
]
LineOpt = Annotated[list[str] | None, typer.Option("--line", help="only this line (repeatable)")]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(2)


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"{option}: not a date (YYYY-MM-DD): {text!r}")


def _run(compute: Callable[[Any], dict[str, Any]], csv: Path | None) -> dict[str, Any]:
    """Call a service on the CSV's claims or the configured database; a failure is one line, exit 2."""
    from claimops.db import get_engine
    from claimops.mining.loader import read_claims_csv

    try:
        return compute(read_claims_csv(csv) if csv is not None else get_engine())
    except ClaimopsError as exc:
        _fail(exc.message)
    except Exception as exc:  # the last guard before a traceback reaches the user
        _fail(f"{type(exc).__name__}: {exc}")


def _emit(result: dict[str, Any], output: Format, table: Callable[[dict[str, Any]], str]) -> None:
    if output == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        typer.echo(table(result))


def _pct(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{x * 100:.{digits}f}%"


@app.command()
def quality(
    since: SinceOpt = None,
    until: UntilOpt = None,
    line: LineOpt = None,
    csv: CsvOpt = None,
    lang: LangOpt = "zh",
    output: FormatOpt = "table",
) -> None:
    """Data-quality report: missing values, duplicates, dates, amounts, outliers; and the cleaning steps."""
    from claimops.mining.analysis import quality_summary

    start, end = _day(since, "--since"), _day(until, "--until")
    result = _run(lambda bind: quality_summary(bind, since=start, until=end, lines=line, lang=lang), csv)
    _emit(result, output, _quality_table)


def _quality_table(r: dict[str, Any]) -> str:
    rows = [(i["label"], i["rows"], i["share"], ", ".join(map(str, i["examples"]))) for i in r["issues"]]
    missing = [(m["column"], m["missing"], m["share"], "") for m in r["missing"]]
    width = max([len("missing values"), *(len(label) for label, *_ in rows + missing)]) + 2

    def block(title: str, lines: list[tuple[str, int, float, str]]) -> list[str]:
        head = [f"{title:<{width}} {'rows':>9} {'share':>8}  {'examples' if lines is rows else ''}".rstrip()]
        return head + [f"{a:<{width}} {b:>9,} {_pct(c, 2):>8}  {d}".rstrip() for a, b, c, d in lines]

    out = [f"claims checked: {r['n_rows']:,}", "", *block("check", rows)]
    if r["skipped"]:
        out.append(f"skipped (columns absent): {', '.join(r['skipped'])}")
    out += ["", *block("missing values", missing)]
    cleaning = r["cleaning"]
    out += ["", f"cleaning: {cleaning['rows_in']:,} rows in, {cleaning['rows_out']:,} out"]
    out += [f"  {s['label']} ({s['action']}): {s['rows_affected']:,}" for s in cleaning["steps"]]
    return "\n".join(out)


@app.command()
def rules(
    target: Annotated[Target, typer.Option(help="risk outcome the rules lead to")] = "denied",
    min_support: Annotated[float, typer.Option(help="least share of claims, 0–1")] = 0.005,
    min_confidence: Annotated[float, typer.Option(help="least confidence, 0–1")] = 0.1,
    min_lift: Annotated[float, typer.Option(help="least lift")] = 1.0,
    max_len: Annotated[int, typer.Option(min=2, max=6, help="most items in a rule, target included")] = 4,
    limit: Annotated[int, typer.Option(min=1, help="rules shown")] = 10,
    variants: Annotated[
        bool, typer.Option("--variants", help="also show rules covering mostly the same claims")
    ] = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    line: LineOpt = None,
    csv: CsvOpt = None,
    lang: LangOpt = "zh",
    output: FormatOpt = "table",
) -> None:
    """Association rules that lead to a risk outcome, ranked by lift, in plain words."""
    from claimops.mining.analysis import top_rules

    start, end = _day(since, "--since"), _day(until, "--until")
    result = _run(
        lambda bind: top_rules(
            bind,
            target,
            lang,
            limit,
            min_support,
            min_confidence,
            min_lift=min_lift,
            max_len=max_len,
            distinct=not variants,
            since=start,
            until=end,
            lines=line,
        ),
        csv,
    )
    _emit(result, output, _rules_table)


def _rules_table(r: dict[str, Any]) -> str:
    th = r["thresholds"]
    out = [
        f"{r['target_label']} ({r['target']}): {r['n_claims']:,} claims, base rate {_pct(r['base_rate'])}; "
        f"support ≥ {th['min_support']:g}, confidence ≥ {th['min_confidence']:g}, lift ≥ {th['min_lift']:g}",
        f"{r['n_rules']:,} rules from {r['n_itemsets']:,} frequent itemsets over {r['n_items']} items",
        "",
    ]
    if not r["rules"]:
        out.append("no rule reaches the thresholds")
    for rule in r["rules"]:
        out.append(
            f"{rule['rank']:>3}. {rule['text']}  (confidence {_pct(rule['confidence'])}, "
            f"support {_pct(rule['support'], 2)}, {rule['claims']:,} claims)"
        )
    return "\n".join(out)


@app.command()
def segments(
    kind: Annotated[Kind, typer.Argument(help="claims or customers")] = "claims",
    k: Annotated[
        int | None, typer.Option(min=2, help="fixed number of segments (default: by silhouette)")
    ] = None,
    k_min: Annotated[int, typer.Option(min=2, help="smallest k tried")] = 2,
    k_max: Annotated[int, typer.Option(min=2, help="largest k tried")] = 8,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same segments)")] = 0,
    since: SinceOpt = None,
    until: UntilOpt = None,
    line: LineOpt = None,
    csv: CsvOpt = None,
    lang: LangOpt = "zh",
    output: FormatOpt = "table",
) -> None:
    """Segments of claims or customers with a profile each; k chosen by mean silhouette."""
    from claimops.mining.analysis import claim_segments, customer_segments

    if k_min > k_max:
        _fail(f"--k-min ({k_min}) is above --k-max ({k_max})")
    start, end = _day(since, "--since"), _day(until, "--until")
    service = claim_segments if kind == "claims" else customer_segments
    result = _run(
        lambda bind: service(
            bind,
            k=k,
            k_range=(k_min, k_max),
            random_state=seed,
            lang=lang,
            since=start,
            until=end,
            lines=line,
        ),
        csv,
    )
    _emit(result, output, _segments_table)


def _segments_table(r: dict[str, Any]) -> str:
    out = [f"{r['kind']}: {r['n_rows']:,}; {r['criterion_text']}"]
    if r["scores"]:
        out.append("silhouette: " + ", ".join(f"k={s['k']} {s['silhouette']:.3f}" for s in r["scores"]))
    out.append("")
    for seg in r["segments"]:
        out.append(seg["text"])
        traits = ", ".join(f"{t['feature']} {t['z']:+.2f} sd" for t in seg["traits"])
        out.append(f"    traits: {traits}")
    return "\n".join(out)


@app.command()
def refresh(
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="quality, rules, segments, forecast, reserves (repeatable)"),
    ] = None,
    by: Annotated[str, typer.Option(help="recorded with each stored run")] = "cli",
) -> None:
    """Compute and store the analyses that the /mining pages and the deck show."""
    from claimops.clock import local_date, utcnow
    from claimops.db import get_engine
    from claimops.mining.refresh import refresh as run

    try:
        stored = run(get_engine(), created_by=by, today=local_date(utcnow()), kinds=kind or None)
    except ClaimopsError as exc:
        _fail(exc.message)
    for row in stored:
        note = f" — {row.message}" if row.message else ""
        typer.echo(f"{row.kind:<9} {row.status:<16} {row.n_rows:>10,} rows {row.seconds:>7.1f} s{note}")
    if all(row.status != "ok" for row in stored):
        raise typer.Exit(2)
