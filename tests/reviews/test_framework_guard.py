"""A published framework version never changes: the database itself refuses it."""

import importlib
import sqlite3

import pytest
from django.db import IntegrityError, connection, transaction

from reviews.models import Expectation, Framework, Section
from reviews.services import framework_load
from reviews.services.frameworks import FRAMEWORKS_DIR

from ..factories import UserFactory, lscb_framework

pytestmark = pytest.mark.django_db


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def refused(change) -> None:
    message = "A published framework version cannot change"
    with pytest.raises(IntegrityError, match=message), transaction.atomic():
        change()


@pytest.fixture
def published():
    return lscb_framework()


def test_the_guard_is_installed_on_this_database():
    assert connection.vendor in ("postgresql", "sqlite")


def test_a_published_frameworks_row_cannot_be_updated(published):
    refused(lambda: Framework.objects.filter(pk=published.pk).update(name="Renamed"))
    refused(lambda: Framework.objects.filter(pk=published.pk).update(status="draft"))
    published.refresh_from_db()
    assert published.name.startswith("LSCB expectations")
    assert published.status == Framework.Status.PUBLISHED


def test_a_published_framework_cannot_be_deleted(published):
    refused(lambda: sql("DELETE FROM reviews_framework WHERE id = %s", published.pk))
    assert Framework.objects.filter(pk=published.pk).exists()


def test_a_published_frameworks_expectations_cannot_be_reworded_added_or_removed(published):
    first = published.expectations.get(code="1.1")
    section = published.sections.get(number=1)
    refused(lambda: Expectation.objects.filter(pk=first.pk).update(text="Anything goes"))
    refused(lambda: Expectation.objects.filter(pk=first.pk).delete())
    refused(
        lambda: Expectation.objects.create(
            framework=published, section=section, code="1.9", order=99, text="New"
        )
    )
    assert published.expectations.get(code="1.1").text == first.text
    assert published.expectations.count() == 15


def test_a_published_frameworks_sections_cannot_change(published):
    section = published.sections.get(number=3)
    refused(lambda: Section.objects.filter(pk=section.pk).update(title="Something else"))
    refused(lambda: Section.objects.create(framework=published, number=4, title="Extra"))
    refused(lambda: sql("DELETE FROM reviews_section WHERE id = %s", section.pk))
    assert list(published.sections.values_list("number", flat=True)) == [1, 2, 3]


def test_a_draft_changes_freely_and_may_be_published_once():
    draft = Framework.objects.create(
        code="online-safety", version=1, name="Online safety", status="draft"
    )
    section = Section.objects.create(framework=draft, number=1, title="Filtering")
    expectation = Expectation.objects.create(
        framework=draft, section=section, code="1.1", order=1, text="Filtering is in place."
    )
    Expectation.objects.filter(pk=expectation.pk).update(text="Filtering and monitoring.")
    Framework.objects.filter(pk=draft.pk).update(status="published")

    refused(lambda: Expectation.objects.filter(pk=expectation.pk).update(text="Changed later"))
    refused(lambda: Framework.objects.filter(pk=draft.pk).update(status="draft"))
    assert Expectation.objects.get(pk=expectation.pk).text == "Filtering and monitoring."


def test_deleting_the_person_who_wrote_a_published_version_keeps_the_version():
    author = UserFactory(email="writer@board.test", is_board_admin=True)
    draft = Framework.objects.create(
        code="online-safety", version=1, name="Online safety", status="draft", created_by=author
    )
    Framework.objects.filter(pk=draft.pk).update(status="published")

    author.delete()

    draft.refresh_from_db()
    assert draft.created_by is None
    assert draft.status == Framework.Status.PUBLISHED


def test_the_loader_still_loads_and_publishes_a_framework():
    framework = framework_load(path=FRAMEWORKS_DIR / "lscb-social-media-2015.toml").framework
    assert framework.status == Framework.Status.PUBLISHED
    assert framework.published_at is not None
    assert framework.expectations.count() == 15


def test_the_sqlite_guard_refuses_the_same_changes():
    """The laptop default is SQLite: the same rules as triggers of its own."""
    guard = importlib.import_module("reviews.migrations.0006_published_framework_guard")
    db = sqlite3.connect(":memory:")
    columns = ", ".join(f"{c} TEXT" for c in guard.FRAMEWORK_COLUMNS if c != "id")
    db.execute(
        f"CREATE TABLE reviews_framework (id INTEGER PRIMARY KEY, {columns}, created_by_id INT)"
    )
    db.execute(
        "CREATE TABLE reviews_section (id INTEGER PRIMARY KEY, framework_id INT, title TEXT)"
    )
    db.execute(
        "CREATE TABLE reviews_expectation (id INTEGER PRIMARY KEY, framework_id INT, text TEXT)"
    )
    for statement in guard.sqlite_statements():
        db.execute(statement)
    db.execute(
        "INSERT INTO reviews_framework (id, status, name, created_by_id) "
        "VALUES (1, 'draft', 'A', 7)"
    )
    db.execute("INSERT INTO reviews_section (id, framework_id, title) VALUES (1, 1, 'S')")
    db.execute("INSERT INTO reviews_expectation (id, framework_id, text) VALUES (1, 1, 'E')")
    db.execute("UPDATE reviews_expectation SET text = 'E2' WHERE id = 1")
    db.execute("UPDATE reviews_framework SET status = 'published' WHERE id = 1")

    for statement in [
        "UPDATE reviews_framework SET name = 'B' WHERE id = 1",
        "DELETE FROM reviews_framework WHERE id = 1",
        "INSERT INTO reviews_section (framework_id, title) VALUES (1, 'T')",
        "UPDATE reviews_section SET title = 'T' WHERE id = 1",
        "DELETE FROM reviews_expectation WHERE id = 1",
        "UPDATE reviews_expectation SET text = 'E3' WHERE id = 1",
    ]:
        with pytest.raises(sqlite3.IntegrityError, match="cannot change"):
            db.execute(statement)
    db.execute("UPDATE reviews_framework SET created_by_id = NULL WHERE id = 1")
    assert db.execute("SELECT text FROM reviews_expectation").fetchall() == [("E2",)]
