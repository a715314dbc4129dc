"""``guidebot``: the operator's command line."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import click

from guidebot import __version__
from guidebot.config import load_settings
from guidebot.errors import GuidebotError, ValidationFailed


class _Context:
    """Lazily creates the engine so ``--help`` and validation never touch a database."""

    def __init__(self) -> None:
        self.settings = load_settings()
        self._engine = None

    @property
    def engine(self):
        if self._engine is None:
            from guidebot.db import engine_from_settings

            self._engine = engine_from_settings(self.settings)
        return self._engine

    def ready_engine(self):
        """The engine, after checking the schema is current."""
        from guidebot.migrate import require_current

        require_current(self.engine)
        return self.engine


pass_ctx = click.make_pass_decorator(_Context, ensure=True)


class _Group(click.Group):
    """Turns our errors into one clear message and an exit code, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except GuidebotError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="guidebot")
def main() -> None:
    """guidebot: the government service guide assistant.

    The database is chosen by DATABASE_URL (default: an SQLite file in var/).
    """


# --------------------------------------------------------------------------- db


@main.group(cls=_Group)
def db() -> None:
    """Database schema migrations."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@pass_ctx
def db_upgrade(ctx: _Context, revision: str) -> None:
    """Create or upgrade the schema (idempotent)."""
    from guidebot.migrate import current_revision, upgrade

    before = current_revision(ctx.engine)
    upgrade(ctx.engine, revision)
    after = current_revision(ctx.engine)
    url = ctx.engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"schema already at {after} ({url})")
    else:
        click.echo(f"schema upgraded {before or 'empty'} -> {after} ({url})")


@db.command("current")
@pass_ctx
def db_current(ctx: _Context) -> None:
    """Show the schema revision of the database."""
    from guidebot.migrate import current_revision, head_revision

    current, head = current_revision(ctx.engine), head_revision()
    click.echo(f"current: {current or 'none'}; head: {head}{'' if current == head else ' (run guidebot db upgrade)'}")


# --------------------------------------------------------------------------- catalogue


def _find_catalogue_root(path: Path) -> Path | None:
    for parent in [path.parent, *path.parent.parents]:
        if (parent / "catalogue.yaml").is_file():
            return parent
    return None


def _load_yaml_paths(paths: tuple[Path, ...]):
    from guides.catalogue import Bundle, CatalogueMeta, load_directory, load_item_files, read_yaml, schema_problems

    bundles: list[Bundle] = []
    for path in paths:
        if path.is_dir():
            bundles.append(load_directory(path))
            continue
        root = _find_catalogue_root(path.resolve())
        if root is None:
            raise ValidationFailed([f"{path}: not inside a catalogue directory (no catalogue.yaml in any parent folder)"])
        meta_doc = read_yaml(root / "catalogue.yaml")
        problems = schema_problems("catalogue", meta_doc, str(root / "catalogue.yaml"))
        if problems:
            raise ValidationFailed(problems)
        bundles.append(load_item_files([path], CatalogueMeta(**meta_doc)))
    return bundles


def _load_bundles(paths: tuple[Path, ...], fmt: str | None):
    from guides.importers import gdzwfw

    bundles = []
    for path in paths:
        kind = fmt or ("gdzwfw" if path.suffix == ".jsonl" else "yaml")
        if kind == "gdzwfw":
            if path.is_dir():
                raise ValidationFailed([f"{path}: --format gdzwfw expects the items.jsonl file, not a directory"])
            bundles.append(gdzwfw.load_export(path))
        else:
            bundles += _load_yaml_paths((path,))
    return bundles


@main.command("import")
@click.option("--format", "fmt", type=click.Choice(["yaml", "gdzwfw"]), default=None,
              help="Input format (default: gdzwfw for .jsonl files, yaml otherwise).")
@click.option("--dry-run", is_flag=True, help="Validate and report what would change, then roll back.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@pass_ctx
def import_(ctx: _Context, fmt: str | None, dry_run: bool, paths: tuple[Path, ...]) -> None:
    """Import catalogues: YAML catalogue directories or item files, or a gdzwfw export.

    All PATHS are imported in one transaction: any problem aborts with nothing written.
    Items are upserted by code; importing the same data twice changes nothing.
    """
    from guidebot.db import session_factory
    from guides.store import import_bundle

    started = time.perf_counter()
    bundles = _load_bundles(paths, fmt)
    engine = ctx.ready_engine()
    with session_factory(engine)() as session:
        transaction = session.begin()
        try:
            results = [(bundle, import_bundle(session, bundle)) for bundle in bundles]
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    elapsed = time.perf_counter() - started
    for bundle, stats in results:
        click.echo(f"{bundle.meta.key}: {stats.summary()}")
    click.echo(f"{'dry run, nothing written' if dry_run else 'imported'} in {elapsed:.1f}s")


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["yaml"]), default="yaml", show_default=True)
@click.option("--source", "source_key", help="Export only this catalogue (default: every catalogue, one folder each).")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@pass_ctx
def export(ctx: _Context, fmt: str, source_key: str | None, directory: Path) -> None:
    """Export catalogues from the database as YAML catalogue directories."""
    from guidebot.db import session_factory
    from guides.exporter import export_catalogues

    engine = ctx.ready_engine()
    with session_factory(engine)() as session:
        written = export_catalogues(session, directory, source_key)
    for key, path, count in written:
        click.echo(f"{key}: {count} items -> {path}")


@main.group(cls=_Group)
def catalogue() -> None:
    """Catalogue files: validation without a database."""


@catalogue.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def catalogue_validate(paths: tuple[Path, ...]) -> None:
    """Check YAML catalogue directories or item files; print every problem."""
    from guides.catalogue import reference_problems

    for bundle in _load_yaml_paths(paths):
        problems = reference_problems(bundle, {}, set()) if bundle.regions or bundle.departments else []
        if problems:
            raise ValidationFailed(problems)
        click.echo(f"ok: {bundle.meta.key}: {len(bundle.regions)} regions, {len(bundle.departments)} departments, "
                   f"{len(bundle.items)} items")


# --------------------------------------------------------------------------- search and vocabulary


def _build_index(ctx: _Context):
    from guidebot.db import session_factory
    from guides.search import SearchIndex

    with session_factory(ctx.ready_engine())() as session:
        return SearchIndex.from_session(session)


def _print_human(response) -> None:
    if response.results:
        for rank, hit in enumerate(response.results, start=1):
            click.echo(f"{rank}. {hit.name}  [{hit.code}]  {hit.department}  score={hit.score:.3f}")
        return
    click.echo("没有找到足够匹配的事项 (no confident match).")
    if response.closest:
        click.echo("最接近的事项 (closest, not confident):")
        for hit in response.closest[:3]:
            click.echo(f"   {hit.name}  [{hit.code}]  score={hit.score:.3f}")


@main.command("search")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 100), help="Most results to return.")
@click.option("--region", help="Only items serving this region code (the region, its parents and its subdivisions).")
@click.argument("question", required=False)
@pass_ctx
def search(ctx: _Context, as_json: bool, limit: int, region: str | None, question: str | None) -> None:
    """Find the service items a free-text Chinese QUESTION is about.

    Without QUESTION, reads one question per line from stdin and writes one JSON line per
    question, in order: {"question": ..., "results": [{"code", "name", "department", "score"}],
    "suggestions": [...]}. "results" is empty when there is no confident match; "suggestions" then
    holds the closest items the assistant offers instead (up to three, maybe none).
    """
    index = _build_index(ctx)

    def as_json_line(q: str, response) -> str:
        return json.dumps({"question": q, "results": [h.as_dict() for h in response.results],
                           "suggestions": [h.as_dict() for h in response.suggestions()]}, ensure_ascii=False)

    if question is None:
        for line in sys.stdin:
            q = line.rstrip("\n")
            sys.stdout.write(as_json_line(q, index.search(q, limit=limit, region=region)) + "\n")
        sys.stdout.flush()
        return
    response = index.search(question, limit=limit, region=region)
    if as_json:
        click.echo(as_json_line(question, response))
    else:
        _print_human(response)


@main.group(cls=_Group)
def vocab() -> None:
    """The catalogue vocabulary shared by search and the Rasa tokenizer."""


@vocab.command("export")
@click.option("--jieba-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("nlu_data/dictionary"),
              show_default=True, help="Directory for the jieba user dictionary (JiebaTokenizer dictionary_path).")
@click.option("--rasa-file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("nlu_data/train/generated/catalogue.yml"), show_default=True,
              help="Rasa NLU file for the region/item lookup tables and region synonyms.")
@pass_ctx
def vocab_export(ctx: _Context, jieba_dir: Path, rasa_file: Path) -> None:
    """Write the jieba dictionary and the Rasa lookup/synonym file from the catalogue database.

    Search builds its vocabulary from the same words, so the bot and search segment alike.
    """
    from guidebot.db import session_factory
    from guides.vocab import catalogue_words, rasa_nlu_yaml, write_jieba_dictionary, write_text_atomically

    with session_factory(ctx.ready_engine())() as session:
        words = catalogue_words(session)
        nlu = rasa_nlu_yaml(session)
    count = write_jieba_dictionary(words, jieba_dir / "catalogue.txt")
    write_text_atomically(rasa_file, nlu)
    click.echo(f"{count} words -> {jieba_dir / 'catalogue.txt'}; lookups and synonyms -> {rasa_file}")


@main.group(cls=_Group)
def calendar() -> None:
    """The working-day calendar: holidays and make-up working days (调休) for deadlines."""


def _parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2027-01-01") from exc


@calendar.command("set")
@click.argument("day")
@click.option("--holiday", "kind", flag_value="holiday", help="A day off (法定节假日).")
@click.option("--workday", "kind", flag_value="workday", help="A working day, e.g. a make-up Saturday (调休上班).")
@click.option("--name", help="What the day is, e.g. 春节.")
@pass_ctx
def calendar_set(ctx: _Context, day: str, kind: str | None, name: str | None) -> None:
    """Record DAY (YYYY-MM-DD) as a holiday or a working day in the admin table."""
    from sqlalchemy import select

    from approvals.models import HolidayDay
    from guidebot.db import unit_of_work

    if kind is None:
        raise click.UsageError("say --holiday or --workday")
    date = _parse_day(day)
    with unit_of_work(ctx.ready_engine()) as session:
        row = session.scalar(select(HolidayDay).where(HolidayDay.day == date)) or HolidayDay(day=date)
        row.is_workday, row.name = kind == "workday", name
        session.add(row)
    click.echo(f"{date.isoformat()}: {'working day' if kind == 'workday' else 'holiday'}{f' ({name})' if name else ''}")


@calendar.command("complete")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.option("--note", help="Source of the schedule, e.g. 国务院办公厅通知.")
@pass_ctx
def calendar_complete(ctx: _Context, year: int, note: str | None) -> None:
    """Declare the table complete for YEAR: it then decides that year's working days."""
    from approvals.models import HolidayYear
    from guidebot.db import unit_of_work

    with unit_of_work(ctx.ready_engine()) as session:
        session.merge(HolidayYear(year=year, note=note))
    click.echo(f"{year}: the admin table now decides working days")


@calendar.command("check")
@click.argument("year", type=click.IntRange(2000, 2100))
@pass_ctx
def calendar_check(ctx: _Context, year: int) -> None:
    """Say where YEAR's working days come from, and count them."""
    from approvals.service import load_calendar
    from guidebot.db import session_factory

    with session_factory(ctx.ready_engine())() as session:
        cal = load_calendar(session)
    days = [dt.date(year, 1, 1) + dt.timedelta(days=n) for n in range(366) if (dt.date(year, 1, 1) + dt.timedelta(days=n)).year == year]
    workdays = sum(cal.is_workday(d) for d in days)
    if year in cal.override_years:
        source = "the admin table"
    elif year in cal.unknown_years:
        source = "NOT KNOWN: estimated Monday to Friday; enter the year's schedule with `guidebot calendar set` and `complete`"
    else:
        source = "the chinesecalendar package"
    click.echo(f"{year}: {workdays} working days, from {source}")


@main.group(cls=_Group)
def demo() -> None:
    """Demo approval records (示例数据) for trying 办件进度."""


DEMO_COUNT = 5000


@demo.command("load")
@click.option("--count", default=DEMO_COUNT, show_default=True, type=click.IntRange(1, 200000))
@click.option("--seed", default=None, type=int, help="Generator seed (default: the project's fixed seed).")
@pass_ctx
def demo_load(ctx: _Context, count: int, seed: int | None) -> None:
    """Generate the demo applications, unless applications already exist (idempotent)."""
    from approvals import demo as demo_data
    from guidebot.db import unit_of_work

    started = time.perf_counter()
    with unit_of_work(ctx.ready_engine()) as session:
        written = demo_data.load(session, count, ctx.settings.secret_key, seed or demo_data.DEMO_SEED)
    if written:
        click.echo(f"{written} demo applications written in {time.perf_counter() - started:.1f}s")
    else:
        click.echo("applications already present; nothing written")


@demo.command("applications")
@click.option("--count", default=DEMO_COUNT, show_default=True, type=click.IntRange(1, 200000))
@click.option("--seed", default=None, type=int)
@pass_ctx
def demo_applications(ctx: _Context, count: int, seed: int | None) -> None:
    """Print demo 受理编号 with their phone tails, two of every status, to try the bot with."""
    from approvals import demo as demo_data
    from guidebot.db import session_factory

    with session_factory(ctx.ready_engine())() as session:
        rows = demo_data.examples(session, count, ctx.settings.secret_key, seed or demo_data.DEMO_SEED)
    click.echo("受理编号            手机后四位  状态      事项（示例数据）")
    for row in rows:
        click.echo(f"{row.number}  {row.phone_tail}        {row.status.value:<6}  {row.item_code}")


if __name__ == "__main__":  # pragma: no cover
    main()
