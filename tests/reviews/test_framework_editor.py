"""A board admin writes a framework in the browser: a draft, its sections and expectations,
a preview, publishing; what changed from the previous version; and who may do none of it."""

from html import escape

import pytest

from audit.models import AuditEvent
from reviews.models import Framework

from ..factories import lscb_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    return lscb_framework()


@pytest.fixture
def draft(charlie_client, published):
    response = charlie_client.post(f"/frameworks/{published.code}/new-version/")
    assert response.status_code == 302
    return Framework.objects.get(code=published.code, version=2)


def url(framework, rest: str = "") -> str:
    return f"/frameworks/{framework.code}/{framework.version}/{rest}"


def post(client, framework, rest: str, data: dict | None = None):
    framework.refresh_from_db()
    return client.post(
        url(framework, rest), {"lock_version": framework.lock_version, **(data or {})}
    )


def changes_recorded() -> list[str]:
    return list(
        AuditEvent.objects.filter(action=AuditEvent.Action.FRAMEWORK_DRAFT_CHANGED)
        .order_by("pk")
        .values_list("detail__action", flat=True)
    )


def test_a_board_admin_starts_a_new_framework_as_an_empty_draft(charlie_client):
    response = charlie_client.post(
        "/frameworks/new/", {"name": "Online safety audit", "description": "Filtering and AI."}
    )

    framework = Framework.objects.get()
    assert response.status_code == 302
    assert response.url == "/frameworks/online-safety-audit/1/edit/"
    assert (framework.status, framework.version) == (Framework.Status.DRAFT, 1)
    assert framework.created_by.email == "charlie@board.test"
    page = charlie_client.get(response.url).content.decode()
    assert "No sections yet." in page
    assert "Add at least one section" in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.FRAMEWORK_DRAFT_CREATED).exists()


def test_a_new_framework_with_an_existing_name_is_refused(charlie_client, published):
    response = charlie_client.post("/frameworks/new/", {"name": published.name})
    assert response.status_code == 400
    assert "already exists. Start a new version of it from its page instead." in (
        response.content.decode()
    )
    assert Framework.objects.count() == 1


def test_a_new_version_starts_from_the_latest_published_content(draft, published):
    assert draft.status == Framework.Status.DRAFT
    assert list(draft.expectations.values_list("code", "text", "concepts")) == list(
        published.expectations.values_list("code", "text", "concepts")
    )
    assert draft.content_hash == ""


def test_a_second_draft_of_the_same_framework_is_refused(charlie_client, draft, published):
    response = charlie_client.post(f"/frameworks/{published.code}/new-version/")
    assert response.status_code == 409
    assert "Version 2 of" in response.content.decode()
    assert "is already a draft" in response.content.decode()
    assert Framework.objects.count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TRANSITION_REFUSED).exists()


def test_sections_are_added_renamed_moved_and_removed(charlie_client, draft):
    assert (
        post(charlie_client, draft, "sections/new/", {"title": "Generative AI"}).status_code == 302
    )
    assert draft.sections.get(number=4).title == "Generative AI"

    post(charlie_client, draft, "sections/4/", {"title": "Generative AI tools"})
    post(charlie_client, draft, "sections/4/move/", {"direction": "up"})
    assert list(draft.sections.order_by("number").values_list("title", flat=True))[2] == (
        "Generative AI tools"
    )
    # Expectations follow their sections: section 3's now come last.
    assert draft.expectations.order_by("order").last().code == "3.5"

    assert post(charlie_client, draft, "sections/3/remove/").status_code == 302
    assert draft.sections.count() == 3
    assert changes_recorded() == [
        "section 4 added",
        "section 4 renamed",
        "section moved up to 3",
        "section 3 removed",
    ]


def test_removing_a_section_removes_its_expectations(charlie_client, draft):
    page = charlie_client.get(url(draft, "sections/1/remove/")).content.decode()
    assert "Its 6 expectations will be removed from the draft too." in page

    post(charlie_client, draft, "sections/1/remove/")

    assert list(draft.sections.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert draft.expectations.count() == 9
    assert list(draft.expectations.order_by("order").values_list("order", flat=True)) == list(
        range(1, 10)
    )


def test_an_expectation_is_added_with_its_concepts_one_a_line(charlie_client, draft):
    section = draft.sections.get(number=2)
    response = post(
        charlie_client,
        draft,
        "sections/2/expectations/new/",
        {
            "code": "2.5",
            "text": "Say how staff use generative AI tools safely.",
            "what_good_looks_like": "The policy names approved tools.",
            "concepts": "approved AI tools\n\n  generative AI  \n",
            "section": section.pk,
        },
    )

    assert response.status_code == 302
    added = draft.expectations.get(code="2.5")
    assert added.concepts == ["approved AI tools", "generative AI"]
    codes = list(draft.expectations.order_by("order").values_list("code", flat=True))
    assert codes.index("2.5") == codes.index("2.4") + 1
    assert changes_recorded() == ["expectation added"]


def test_an_expectation_code_already_used_is_refused(charlie_client, draft):
    section = draft.sections.get(number=2)
    response = post(
        charlie_client,
        draft,
        "sections/2/expectations/new/",
        {"code": "1.1", "text": "Again", "section": section.pk},
    )
    assert response.status_code == 400
    assert "Expectation code 1.1 is already used in this framework." in response.content.decode()
    assert draft.expectations.count() == 15


def test_an_expectation_is_reworded_moved_and_removed(charlie_client, draft):
    expectation = draft.expectations.get(code="1.2")
    response = post(
        charlie_client,
        draft,
        f"expectations/{expectation.pk}/",
        {
            "code": "1.2",
            "text": "Keep personal and work accounts apart.",
            "what_good_looks_like": expectation.what_good_looks_like,
            "concepts": "\n".join(expectation.concepts),
            "section": expectation.section_id,
        },
    )
    assert response.status_code == 302
    assert draft.expectations.get(code="1.2").text == "Keep personal and work accounts apart."

    post(charlie_client, draft, f"expectations/{expectation.pk}/move/", {"direction": "up"})
    first_codes = list(draft.expectations.order_by("order").values_list("code", flat=True))[:2]
    assert first_codes == ["1.2", "1.1"]

    post(charlie_client, draft, f"expectations/{expectation.pk}/remove/")
    assert not draft.expectations.filter(code="1.2").exists()
    assert changes_recorded() == [
        "expectation changed",
        "expectation moved up",
        "expectation removed",
    ]


def test_a_change_made_on_a_stale_page_is_refused_with_the_draft_as_it_is(charlie_client, draft):
    stale = draft.lock_version
    post(charlie_client, draft, "sections/new/", {"title": "Generative AI"})

    response = charlie_client.post(
        url(draft, "sections/1/"), {"lock_version": stale, "title": "Overwritten"}
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this draft after you opened it" in page
    assert draft.sections.get(number=1).title != "Overwritten"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EDIT_CONFLICT).exists()


def test_the_drafts_details_are_saved(charlie_client, draft):
    response = post(
        charlie_client,
        draft,
        "edit/",
        {
            "name": "LSCB expectations, 2026 edition",
            "description": "",
            "publisher": "",
            "source": "",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "LSCB expectations, 2026 edition"


def test_a_published_version_cannot_be_edited_in_the_browser(charlie_client, published):
    assert charlie_client.get(url(published, "edit/")).status_code == 403
    response = charlie_client.post(
        url(published, "sections/1/"), {"lock_version": published.lock_version, "title": "X"}
    )
    assert response.status_code == 403
    assert published.sections.get(number=1).title.startswith("Expectations for staff")
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_REFUSED, detail__reason="framework published"
    ).exists()


def test_the_preview_shows_the_expectations_as_a_reviewer_reads_them(charlie_client, draft):
    page = charlie_client.get(url(draft, "preview/")).content.decode()
    assert "1. Expectations for staff working directly with children and young people" in page
    assert escape(draft.expectations.get(code="3.5").text) in page
    assert "What good looks like" in page
    assert "<input" not in page.split("<main")[1].split("</main>")[0].replace('type="hidden"', "")


def test_a_draft_that_is_not_complete_cannot_be_published(charlie_client, draft):
    post(charlie_client, draft, "sections/new/", {"title": "Generative AI"})
    page = charlie_client.get(url(draft, "publish/")).content.decode()
    assert "Add an expectation to section 4, Generative AI, or remove the section" in page

    response = post(charlie_client, draft, "publish/")

    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == Framework.Status.DRAFT


def test_a_draft_the_same_as_the_published_version_is_not_published(charlie_client, draft):
    response = post(charlie_client, draft, "publish/")
    assert response.status_code == 400
    assert "This draft is the same as version 1. Change something first." in (
        response.content.decode()
    )


def test_publishing_fixes_the_version_and_shows_what_changed(charlie_client, draft):
    reworded = draft.expectations.get(code="2.1")
    post(
        charlie_client,
        draft,
        f"expectations/{reworded.pk}/",
        {
            "code": "2.1",
            "text": "Check each platform's minimum age.",
            "section": reworded.section_id,
        },
    )
    section = draft.sections.get(number=3)
    post(
        charlie_client,
        draft,
        "sections/3/expectations/new/",
        {
            "code": "3.6",
            "text": "Say how AI chatbots are used with children.",
            "section": section.pk,
        },
    )
    post(charlie_client, draft, f"expectations/{draft.expectations.get(code='1.6').pk}/remove/")

    response = post(charlie_client, draft, "publish/")

    assert response.status_code == 302
    assert response.url == "/frameworks/lscb-social-media/2/"
    draft.refresh_from_db()
    assert draft.status == Framework.Status.PUBLISHED
    assert draft.published_at is not None
    assert len(draft.content_hash) == 64
    page = charlie_client.get(response.url).content.decode()
    assert "What changed from version 1" in page
    added, rest = page.split("Added</h3>")[1].split("Reworded</h3>")
    assert "3.6" in added and "Say how AI chatbots are used with children." in added
    reworded_part, removed = rest.split("Removed</h3>")
    assert "Check each platform&#x27;s minimum age." in reworded_part
    assert "1.6" in removed
    assert AuditEvent.objects.filter(action=AuditEvent.Action.FRAMEWORK_PUBLISHED).count() == 1
    # And then it never changes.
    assert charlie_client.get(url(draft, "edit/")).status_code == 403


def test_a_draft_can_be_discarded(charlie_client, draft, published):
    response = post(charlie_client, draft, "discard/")
    assert response.status_code == 302
    assert list(Framework.objects.values_list("version", flat=True)) == [1]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.FRAMEWORK_DRAFT_DISCARDED).exists()


def test_agencies_and_reviewers_never_see_a_draft(alice_client, rita_client, draft):
    for client in (alice_client, rita_client):
        assert "Draft" not in client.get("/frameworks/").content.decode()
        assert client.get(url(draft)).status_code == 404
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.ACCESS_REFUSED, detail__reason="framework draft"
        ).count()
        == 2
    )


def test_only_board_admins_write_frameworks(alice_client, rita_client, published):
    for client in (alice_client, rita_client):
        assert client.get("/frameworks/new/").status_code == 403
        assert client.post(f"/frameworks/{published.code}/new-version/").status_code == 403
    assert Framework.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).count() == 4


def test_a_cycle_can_be_opened_only_on_a_published_version(charlie_client, draft):
    form = charlie_client.get("/cycles/new/").context["form"]
    choices = list(form.fields["framework"].queryset)
    assert draft not in choices
    assert [f.version for f in choices] == [1]
    assert form["framework"].value() == choices[0].pk


def test_a_move_from_a_stale_page_is_refused_and_the_order_kept(charlie_client, draft):
    expectation = draft.expectations.get(code="1.2")
    stale = draft.lock_version
    post(charlie_client, draft, "sections/new/", {"title": "Generative AI"})

    response = charlie_client.post(
        url(draft, f"expectations/{expectation.pk}/move/"),
        {"lock_version": stale, "direction": "up"},
    )

    assert response.status_code == 409
    assert "Someone else changed this draft after you opened it" in response.content.decode()
    assert list(draft.expectations.order_by("order").values_list("code", flat=True))[:2] == [
        "1.1",
        "1.2",
    ]
