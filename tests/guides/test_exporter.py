"""Export writes a catalogue that re-imports to identical content."""

from __future__ import annotations

from sqlalchemy import select

from guidebot.db import unit_of_work
from guides.catalogue import load_directory, reference_problems
from guides.exporter import export_catalogues
from guides.models import ServiceItem
from guides.store import import_bundle
from tests.conftest import CATALOGUE_DIR, migrated_engine


def hashes(engine) -> dict[str, str]:
    with unit_of_work(engine) as session:
        return {i.code: i.content_hash for i in session.scalars(select(ServiceItem))}


def test_export_then_import_round_trips(engine, tmp_path, make_catalogue):
    with unit_of_work(engine) as session:
        import_bundle(session, load_directory(CATALOGUE_DIR))
        import_bundle(session, load_directory(make_catalogue()))
    with unit_of_work(engine) as session:
        written = export_catalogues(session, tmp_path / "out")
    assert {key for key, _, _ in written} == {"guangxi-sample", "test-cat"}
    other = migrated_engine(f"sqlite:///{tmp_path / 'other.db'}")
    for _, path, _ in written:
        bundle = load_directory(path)
        assert reference_problems(bundle, {}, set()) == []
        with unit_of_work(other) as session:
            import_bundle(session, bundle)
    assert hashes(other) == hashes(engine)
    # Re-importing the export into the original database changes nothing.
    with unit_of_work(engine) as session:
        stats = import_bundle(session, load_directory(tmp_path / "out" / "test-cat"))
    assert stats.changed == 0
