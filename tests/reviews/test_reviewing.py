"""The reviewer's journey through the pages: steps save, rules are explained, nothing is lost."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from reviews.models import Finding, Review, SignOff

from ..factories import AgencyFactory, make_cycle, make_review

pytestmark = pytest.mark.django_db

QUOTE = "Staff must not befriend children or young people on social media."


@pytest.fixture
def review(northgate, rita, mo, charlie):
    return make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)


def step_data(review, section: int, **per_code) -> dict:
    """Form data for a section step; per_code maps '1_1' to overrides of the default answer."""
    data = {"lock_version": review.lock_version, "continue": "1"}
    for finding in review.findings.filter(expectation__section__number=section):
        answer = {"rating": "met", "evidence_quote": QUOTE, "evidence_page": "1"}
        answer.update(per_code.get(finding.expectation.code.replace(".", "_"), {}))
        for field, value in answer.items():
            data[f"f{finding.pk}-{field}"] = value
    return data


def test_my_reviews_lists_the_reviewers_reviews(rita_client, review):
    page = rita_client.get("/reviews/").content.decode()
    assert "Northgate Council" in page and "0 of 15" in page and "Assigned" in page


def test_the_task_list_has_a_step_per_section_then_outcome_then_check(rita_client, review):
    page = rita_client.get(f"/reviews/{review.pk}/").content.decode()
    for title in [
        "1. Expectations for staff working directly with children and young people",
        "Overall outcome and recommendations",
        "Check your answers and submit",
        "Cannot start yet",
    ]:
        assert title in page
    assert page.count('<li class="govuk-task-list__item') == 5


def test_a_step_shows_each_expectation_and_the_policy_beside_it(rita_client, review):
    page = rita_client.get(f"/reviews/{review.pk}/section/1/").content.decode()
    for code in ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]:
        assert f">{code}<" in page
    assert "2.1" not in page
    assert "What good looks like" in page
    assert QUOTE in page and "Page 1" in page
    assert "Use selected text" in page


def test_save_and_come_back_later_keeps_a_half_done_step(rita_client, review):
    data = step_data(review, 1)
    del data["continue"]
    data["later"] = "1"
    first = review.findings.get(expectation__code="1.1")
    data[f"f{first.pk}-rating"] = "not_met"
    data[f"f{first.pk}-comment"] = ""
    response = rita_client.post(f"/reviews/{review.pk}/section/1/", data)
    assert response.status_code == 302 and response["Location"] == f"/reviews/{review.pk}/"
    review.refresh_from_db()
    assert review.state == Review.State.IN_PROGRESS
    first.refresh_from_db()
    assert first.rating == "not_met"
    resumed = rita_client.get(f"/reviews/{review.pk}/section/1/").content.decode()
    assert f'name="f{first.pk}-rating" type="radio" value="not_met" checked' in resumed


def test_continue_explains_each_rule_and_still_saves_what_was_typed(rita_client, review):
    data = step_data(
        review,
        1,
        **{
            "1_1": {"evidence_quote": ""},
            "1_2": {"rating": "not_met", "evidence_quote": ""},
            "1_3": {"rating": "not_applicable", "evidence_quote": ""},
            "1_4": {"rating": "", "evidence_quote": ""},
            "1_5": {"evidence_page": "99"},
        },
    )
    response = rita_client.post(f"/reviews/{review.pk}/section/1/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Quote the policy&#x27;s evidence for 1.1" in page
    assert "Say what is missing from the policy for 1.2" in page
    assert "Give the reason 1.3 does not apply" in page
    assert "Select a rating for 1.4" in page
    assert "The policy has 1 pages: enter 1 to 1" in page
    assert review.findings.get(expectation__code="1.2").rating == "not_met"
    assert review.findings.get(expectation__code="1.6").evidence_quote == QUOTE


def test_a_save_against_a_newer_version_is_refused_and_keeps_the_input(rita_client, review, rita):
    stale = step_data(review, 1, **{"1_1": {"comment": "My own careful words"}})
    rita_client.post(f"/reviews/{review.pk}/section/1/", step_data(review, 1))
    response = rita_client.post(f"/reviews/{review.pk}/section/1/", stale)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Rita Reyes saved this review on" in page
    assert "My own careful words" in page
    assert "What is saved now" in page
    assert not Finding.objects.filter(comment="My own careful words").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EDIT_CONFLICT).count() == 1


def test_the_reviewer_completes_every_step_and_submits(rita_client, review):
    for section in (1, 2, 3):
        review.refresh_from_db()
        response = rita_client.post(
            f"/reviews/{review.pk}/section/{section}/", step_data(review, section)
        )
        assert response.status_code == 302
    review.refresh_from_db()
    outcome_page = rita_client.get(f"/reviews/{review.pk}/outcome/").content.decode()
    assert "Suggested from the ratings: <strong>Meets expectations</strong>" in outcome_page
    gap = review.findings.get(expectation__code="2.3")
    response = rita_client.post(
        f"/reviews/{review.pk}/outcome/",
        {
            "lock_version": review.lock_version,
            "overall_outcome": "meets",
            "summary": "A clear policy.",
            "r0-text": "Name who moderates the agency's channels.",
            "r0-findings": [str(gap.pk)],
            "continue": "1",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/reviews/{review.pk}/check/"
    check = rita_client.get(f"/reviews/{review.pk}/check/").content.decode()
    assert "Name who moderates the agency&#x27;s channels. (answers 2.3)" in check
    review.refresh_from_db()
    response = rita_client.post(
        f"/reviews/{review.pk}/check/", {"lock_version": review.lock_version}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == Review.State.SUBMITTED
    assert review.sign_offs.get().role == SignOff.Role.REVIEWER
    # After submission the reviewer can no longer edit.
    assert rita_client.get(f"/reviews/{review.pk}/section/1/").status_code == 403


def test_overriding_the_suggested_outcome_needs_a_reason(rita_client, review):
    response = rita_client.post(
        f"/reviews/{review.pk}/outcome/",
        {"lock_version": review.lock_version, "overall_outcome": "does_not_meet", "continue": "1"},
    )
    assert response.status_code == 400
    assert "Give the reason for an overall outcome other than the one suggested" in (
        response.content.decode()
    )


@pytest.mark.parametrize("who", ["alice", "mo", "bob"])
def test_only_the_reviewer_opens_the_steps(client, request, review, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"/reviews/{review.pk}/section/1/")
    assert response.status_code in (403, 404)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).exists()


def test_agency_members_never_see_a_draft(alice_client, review):
    assert alice_client.get(f"/reviews/{review.pk}/").status_code == 404
    assert "Northgate" not in alice_client.get("/reviews/").content.decode().split("<main")[1]


def queries(client, url: str, *, cached: bool = False) -> int:
    if not cached:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_review_pages_run_the_same_queries_whatever_the_number_of_reviews(
    rita_client, review, rita, mo, charlie
):
    urls = ["/reviews/", f"/reviews/{review.pk}/", f"/reviews/{review.pk}/section/1/", "/"]
    small = [queries(rita_client, url) for url in urls]
    cycle = review.cycle
    for n in range(12):
        agency = AgencyFactory(name=f"Extra agency {n}")
        make_review(agency=agency, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    large = [queries(rita_client, url) for url in urls]
    assert small == large


def test_a_step_seen_again_reads_only_the_review_and_shows_each_save(rita_client, review):
    url = f"/reviews/{review.pk}/section/1/"
    first_view = queries(rita_client, url)
    again = queries(rita_client, url, cached=True)
    # The session, the person and the review: the answers and the policy's text are kept
    # rendered until the review is saved again.
    assert again == 3 < first_view
    first = review.findings.get(expectation__code="1.1")
    data = step_data(review, 1, **{"1_1": {"rating": "not_met", "comment": "No word on images"}})
    del data["continue"]
    data["later"] = "1"
    assert rita_client.post(url, data).status_code == 302
    page = rita_client.get(url).content.decode()
    assert f'name="f{first.pk}-rating" type="radio" value="not_met" checked' in page
    assert "No word on images" in page
    review.refresh_from_db()
    assert f'name="lock_version" value="{review.lock_version}"' in page


def test_a_kept_step_is_the_page_rendered_afresh_but_for_its_token_and_nonce(review, rita):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rita)
    url = f"/reviews/{review.pk}/section/1/"
    fresh, kept = client.get(url), client.get(url)
    holes = re.compile(r'(name="csrfmiddlewaretoken" value="|nonce=")[^"]+')
    assert holes.sub(r"\1", fresh.content.decode()) == holes.sub(r"\1", kept.content.decode())
    page = kept.content.decode()
    nonce = re.search(r'nonce="([^"]+)"', page).group(1)
    assert nonce != re.search(r'nonce="([^"]+)"', fresh.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in kept["Content-Security-Policy"]
    # The kept page's token is good for saving the step.
    data = step_data(review, 1)
    data["csrfmiddlewaretoken"] = re.search(r'csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(url, data).status_code == 302


def test_a_saved_answer_is_shown_as_its_form_shows_it(review, rita):
    from reviews.forms.reviewing import FindingForm, SavedAnswer

    finding = review.findings.select_related("expectation").get(expectation__code="1.1")
    finding.rating = Finding.Rating.PARTIALLY_MET
    finding.evidence_quote = 'Staff "must" <not> befriend children & young people.'
    finding.evidence_page = 2
    finding.comment = "Nothing on images."
    form = FindingForm(finding=finding, page_count=10)
    shown = SavedAnswer(finding).render_fields()
    assert shown == form.render_fields()
    assert "Staff &quot;must&quot; &lt;not&gt; befriend children &amp; young people." in shown
    assert 'value="partially_met" checked' in shown and 'value="2"' in shown


def test_step_queries_do_not_grow_with_the_number_of_expectations(
    rita_client, northgate, rita, mo, charlie, tmp_path
):
    from reviews.services import framework_load

    big = tmp_path / "big.toml"
    lines = ['code = "big"', 'name = "Big framework"']
    for section in (1, 2):
        lines += ["[[sections]]", f"number = {section}", f'title = "Section {section}"']
        for n in range(1, 31):
            lines += ["[[sections.expectations]]", f'code = "{section}.{n}"', f'text = "E {n}"']
    big.write_text("\n".join(lines))
    small_review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    other = AgencyFactory(name="Other agency")
    cycle = make_cycle(agencies=[other], name="Big", framework=framework_load(path=big).framework)
    big_review = make_review(agency=other, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    for suffix in ["", "section/1/", "outcome/", "check/"]:
        assert queries(rita_client, f"/reviews/{small_review.pk}/{suffix}") == queries(
            rita_client, f"/reviews/{big_review.pk}/{suffix}"
        ), suffix
