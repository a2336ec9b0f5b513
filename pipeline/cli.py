"""The `vanban` command line: small verbs over the pipeline and the store."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.document import storable_path


def progress(items, label: str, total: int | None = None):
    """A progress bar on stderr when there are more than a few items."""
    items = list(items) if total is None else items
    n = total if total is not None else len(items)
    if n <= 3 or not sys.stderr:
        return items
    from tqdm import tqdm

    return tqdm(items, total=n, desc=label, unit="file", file=sys.stderr, leave=False)


def _out_name(f: Path, taken: set[str]) -> str:
    """A file name for `f`'s record that no other file of the run has: the source name with
    its extension (x.txt and x.pdf are two records), numbered when two folders hold the same name."""
    base = storable_path(f.name).replace("\\", "_")
    name, n = f"{base}.json", 1
    while name.casefold() in taken:
        n += 1
        name = f"{base}-{n}.json"
    taken.add(name.casefold())
    return name


def report_errors(errors: list[tuple[Path, str]]) -> None:
    if errors:
        click.echo(f"{len(errors)} file(s) could not be read:", err=True)
        for path, reason in errors:
            click.echo(f"  {storable_path(path)}: {reason}", err=True)


class _Verbs(click.Group):
    """`extract` and `eval` are defined here; the store and web verbs (which import the store, sqlite3 and
    the web server) are registered when a command line names one of them or the help lists them all, so
    `vanban extract` starts without them."""

    def get_command(self, ctx, name):
        cmd = super().get_command(ctx, name)
        if cmd is None and _register_commands():
            cmd = super().get_command(ctx, name)
        return cmd

    def list_commands(self, ctx):
        _register_commands()
        return super().list_commands(ctx)


@click.group(cls=_Verbs)
@click.version_option(__version__, prog_name="vanban")
def main() -> None:
    """Read Vietnamese administrative documents into structured records."""
    # the command line, not the library, keeps compiled patterns between runs: importing vanban into another
    # program changes nothing in its `regex` module and writes no cache file
    from pipeline import regexcache

    regexcache.install()


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "gold"]), default="json", show_default=True,
              help="json: document, segments and every record with offsets; gold: the gold/SCHEMA.md record.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Write <name>.json files here (x.pdf -> x.pdf.json; a name taken twice gets -2, -3 ...).")
def extract(paths, fmt, out_dir):
    """Extract records from files or directories (recursive)."""
    from pipeline import jsonout
    from pipeline.gold import to_gold
    from pipeline.ingest import IngestError, find_files
    from pipeline.run import process

    files, errors = find_files(paths)
    if out_dir:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    results = []
    taken: set[str] = set()
    ok = 0
    for f in progress(files, "extract"):
        try:
            res = process(f)
        except IngestError as e:
            errors.append((f, e.reason))
            continue
        except Exception as e:  # an extractor bug must not stop the batch
            errors.append((f, f"extraction failed: {type(e).__name__}: {e}"))
            continue
        ok += 1
        rec = to_gold(res.extraction, str(f)) if fmt == "gold" else res.to_json()
        if fmt == "gold" and res.document.status != "ok":
            rec["status"] = res.document.status
        if out_dir:
            (Path(out_dir) / _out_name(f, taken)).write_text(jsonout.dumps(rec), "utf-8")
        else:
            results.append(rec)
        for w in res.document.warnings:
            click.echo(f"{f}: warning: {w}", err=True)
    if not out_dir:
        out = results[0] if len(results) == 1 and len(files) == 1 else results
        click.echo(jsonout.dumps(out))
    report_errors(errors)
    click.echo(f"{ok} read, {len(errors)} failed", err=True)
    sys.exit(0 if ok else 1)


def _find_docs(gold_dir: Path, docs_dir: Path | None) -> dict[str, Path]:
    roots = [docs_dir] if docs_dir else [gold_dir.parent / "docs", gold_dir.parent.parent / "docs", gold_dir.parent]
    index: dict[str, Path] = {}
    for r in roots:
        if r and r.is_dir():
            for f in r.rglob("*"):
                if f.is_file():
                    index.setdefault(f.name, f)
    return index


@main.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--docs", "docs_dir", type=click.Path(exists=True, file_okay=False),
              help="Where the documents named by the gold records' source_file are (searched recursively).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Write the metrics as JSON here.")
@click.option("--verbose", "-v", is_flag=True, help="List every miss (with --variants: each header field).")
@click.option("--variants", "variants", is_flag=False, flag_value="default", default=None, metavar="[NAMES]",
              help="Score the gold documents rendered in other layouts (pipeline/variants.py), one row each. "
                   "Alone: plain, markdown, flattened, no_diacritics_header, pdftotext; or a comma list of "
                   "those and ocr (slow), or 'all'. Give GOLD_DIR first.")
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N gold records.")
@click.option("--ocr-pages", type=click.IntRange(min=1), help="With the ocr variant: OCR at most N pages a document.")
@click.option("--keep", "keep", type=click.Path(file_okay=False),
              help="With --variants: write every rendered variant file under DIR/<variant>/.")
def evaluate(gold_dir, docs_dir, json_out, verbose, variants, limit, ocr_pages, keep):
    """Score extraction against gold records (gold/SCHEMA.md), found recursively under GOLD_DIR."""
    from pipeline.gold import to_gold
    from pipeline.run import process
    from pipeline.score import score

    if variants is not None:
        from pipeline.variants import eval_variants

        try:
            eval_variants(gold_dir, variants, docs_dir, limit=limit, ocr_pages=ocr_pages, json_out=json_out,
                          verbose=verbose, echo=click.echo, progress=progress, keep=keep)
        except ValueError as e:
            raise click.ClickException(str(e)) from e
        return
    gold_dir = Path(gold_dir)
    index = _find_docs(gold_dir, Path(docs_dir) if docs_dir else None)
    pairs = []
    for gf in progress(sorted(gold_dir.rglob("*.json")), "eval"):
        gold = json.loads(gf.read_text("utf-8"))
        if not isinstance(gold, dict) or "source_file" not in gold:
            continue  # a document's .meta.json sidecar beside the gold, not a gold record
        if limit is not None and len(pairs) >= limit:
            break
        src = index.get(gold.get("source_file", ""))
        if src is None:
            click.echo(f"{gf.name}: document {gold.get('source_file')!r} not found", err=True)
            continue
        pred = to_gold(process(src).extraction, str(src), gold.get("doc_id"))
        pairs.append((pred, gold))
    if not pairs:
        raise click.ClickException("no gold record had its document")
    report = score(pairs)
    res = report.to_dict()
    click.echo(f"documents: {res['documents']}")
    click.echo(f"{'header field':<20}{'accuracy':>10}{'correct':>9}{'gold':>6}")
    for name, row in res["header"].items():
        acc = "-" if row["accuracy"] is None else f"{row['accuracy']:.3f}"
        click.echo(f"{name:<20}{acc:>10}{row['correct']:>9}{row['gold']:>6}")
    click.echo(f"\n{'list':<12}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'pred':>6}{'gold':>6}  extra")
    for k, row in res["lists"].items():
        extra = "  ".join(f"{x}={row[x]:.3f}" for x in ("relation_accuracy", "text_recall", "kind_accuracy",
                                                          "source_accuracy") if x in row)
        click.echo(f"{k:<12}{row['precision']:>7.3f}{row['recall']:>7.3f}{row['f1']:>7.3f}"
                   f"{row['tp']:>6}{row['pred']:>6}{row['gold']:>6}  {extra}")
    if verbose:
        for d in report.docs:
            for name, (ok, p, g) in d.header.items():
                if not ok:
                    click.echo(f"[{d.doc_id}] header {name}: got {p!r}, gold {g!r}")
            for kind, items in d.misses.items():
                for what, item in items:
                    label = item.get("number") or item.get("title") or item.get("text") or item.get("date")
                    extra = item.get("assignees") if kind == "tasks" else item.get("amount_vnd") if kind == "budgets" else ""
                    click.echo(f"[{d.doc_id}] {kind} {what}: {label!r} {extra or ''}".rstrip())
    if json_out:
        Path(json_out).write_text(json.dumps(res, ensure_ascii=False, indent=1), "utf-8")


_registered = False


def _register_commands() -> bool:
    """The store verbs (import, search, bases, cites, tasks, task, correct, export) and the web ones (serve,
    user), registered once; whether this call registered them."""
    global _registered
    if _registered:
        return False
    _registered = True
    from pipeline.cli_programs import register as register_programs
    from pipeline.cli_store import register as register_store
    from pipeline.cli_web import register as register_web

    register_store(main)
    register_programs(main)
    register_web(main)
    return True


if __name__ == "__main__":
    main()
