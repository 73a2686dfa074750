"""The reviewer's journey through the pages: steps save, rules are explained, nothing is lost."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
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
    """Form data for a section step, as its formset sends it; per_code maps '1_1' to overrides
    of the default answer."""
    findings = review.findings.filter(expectation__section__number=section).order_by(
        "expectation__order"
    )
    data = {"lock_version": review.lock_version, "continue": "1"}
    for index, finding in enumerate(findings.select_related("expectation")):
        answer = {"rating": "met", "evidence_quote": QUOTE, "evidence_page": "1"}
        answer.update(per_code.get(finding.expectation.code.replace(".", "_"), {}))
        for field, value in answer.items():
            data[f"findings-{index}-{field}"] = value
    data["findings-TOTAL_FORMS"] = data["findings-INITIAL_FORMS"] = findings.count()
    return data


def checked(page: str, name: str, value: str) -> bool:
    """Whether the page's radio or checkbox `name` with `value` is ticked."""
    return bool(re.search(rf'name="{name}"[^>]*value="{value}"\s*checked', page))


def recommendation_rows(*rows, remove=()) -> dict:
    """The recommendations formset's data: rows of (text, finding ids); `remove` ticks "Remove"
    on those row numbers (from 1)."""
    data = {
        "recommendations-TOTAL_FORMS": len(rows),
        "recommendations-INITIAL_FORMS": len(rows),
    }
    for index, (text, finding_ids) in enumerate(rows):
        data[f"recommendations-{index}-text"] = text
        data[f"recommendations-{index}-findings"] = [str(pk) for pk in finding_ids]
        if index + 1 in remove:
            data[f"recommendations-{index}-DELETE"] = "on"
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
    data["findings-0-rating"] = "not_met"
    data["findings-0-comment"] = ""
    response = rita_client.post(f"/reviews/{review.pk}/section/1/", data)
    assert response.status_code == 302 and response["Location"] == f"/reviews/{review.pk}/"
    review.refresh_from_db()
    assert review.state == Review.State.IN_PROGRESS
    first.refresh_from_db()
    assert first.rating == "not_met"
    resumed = rita_client.get(f"/reviews/{review.pk}/section/1/").content.decode()
    assert checked(resumed, "findings-0-rating", "not_met")
    assert not checked(resumed, "findings-0-rating", "met")


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
            **recommendation_rows(("Name who moderates the agency's channels.", [gap.pk])),
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
        {
            "lock_version": review.lock_version,
            "overall_outcome": "does_not_meet",
            "continue": "1",
            **recommendation_rows(),
        },
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


def test_a_step_shows_the_saved_answers_in_their_fields(rita_client, review):
    finding = review.findings.get(expectation__code="1.2")
    finding.rating = Finding.Rating.PARTIALLY_MET
    finding.evidence_quote = 'Staff "must" <not> befriend children & young people.'
    finding.evidence_page = 2
    finding.evidence_section = "Conduct"
    finding.comment = "Nothing on images."
    finding.save()
    page = rita_client.get(f"/reviews/{review.pk}/section/1/").content.decode()
    one = page.split('id="finding-1.2"')[1].split('id="finding-1.3"')[0]
    assert checked(one, "findings-1-rating", "partially_met")
    quote = "Staff &quot;must&quot; &lt;not&gt; befriend children &amp; young people."
    assert f"{quote}</textarea>" in one
    assert re.search(r'name="findings-1-evidence_page"[^>]*value="2"', one)
    assert 'value="Conduct"' in one and "Nothing on images.</textarea>" in one
    # Each answer's labels say which expectation they are for.
    assert "How well does the policy meet 1.2?" in one
    assert 'Comment<span class="govuk-visually-hidden"> for 1.2</span>' in one
    assert 'data-use-selection="findings-1"' in one


def test_each_error_links_to_the_field_it_is_about(rita_client, review):
    data = step_data(review, 1, **{"1_1": {"evidence_quote": ""}, "1_2": {"rating": ""}})
    page = rita_client.post(f"/reviews/{review.pk}/section/1/", data).content.decode()
    quote, rating = "id_findings-0-evidence_quote", "id_findings-1-rating_1"
    assert f'<a href="#{quote}">Quote the policy&#x27;s evidence for 1.1</a>' in page
    assert f'<a href="#{rating}">Select a rating for 1.2</a>' in page
    assert f'id="{quote}"' in page and f'id="{rating}"' in page
    assert f'aria-describedby="{quote}_hint {quote}_1_error"' in page


def test_a_step_with_a_missing_or_mangled_lock_version_is_refused(rita_client, review):
    data = step_data(review, 1, **{"1_1": {"comment": "Typed words"}})
    data["lock_version"] = "not a number"
    response = rita_client.post(f"/reviews/{review.pk}/section/1/", data)
    assert response.status_code == 409 and "Typed words" in response.content.decode()
    assert not Finding.objects.filter(comment="Typed words").exists()


PLACEHOLDERS = [
    "csrf-token-of-this-page",
    "script-nonce-of-this-page",
    "{{ csrf_token }}",
    "{% csrf_token %}",
    "%(csrf)s",
    "__CSRF__",
    "{csrf_token}",
]


def test_a_policy_that_looks_like_a_placeholder_is_shown_verbatim_without_a_token(
    rita_client, review
):
    review.policy_version.pages.filter(number=1).update(text="Say: " + " | ".join(PLACEHOLDERS))
    url = f"/reviews/{review.pk}/section/1/"
    for _ in range(2):  # rendered, then with the policy's text from the cache
        page = rita_client.get(url).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        nonce = re.search(r'nonce="([^"]+)"', page).group(1)
        text = page.split('data-page="1"')[1].split("</section>")[0]
        assert "Say: " + " | ".join(PLACEHOLDERS).replace('"', "&quot;") in text
        assert token not in text and nonce not in text
        assert page.count(token) == page.count('name="csrfmiddlewaretoken"')


def test_the_policy_text_is_read_once_then_kept_as_a_fragment(rita_client, review):
    url = f"/reviews/{review.pk}/section/1/"
    first = queries(rita_client, url)
    assert queries(rita_client, url, cached=True) == first - 1
    page = rita_client.get(url).content.decode()
    assert "Images of children are taken only on devices supplied by the council." in page


def test_a_step_reads_the_review_its_findings_self_ratings_and_suggestions_only(
    rita_client, review
):
    url = f"/reviews/{review.pk}/section/1/"
    queries(rita_client, url)
    with CaptureQueriesContext(connection) as captured:
        rita_client.get(url)
    tables = [q["sql"].split(" FROM ")[1].split()[0] for q in captured if " FROM " in q["sql"]]
    read = [
        '"reviews_review"',
        '"reviews_finding"',
        '"reviews_selfrating"',
        '"evidence_expectationevidence"',
    ]
    assert tables[-4:] == read


def outcome(client, review, **data):
    review.refresh_from_db()
    return client.post(
        f"/reviews/{review.pk}/outcome/",
        {"lock_version": review.lock_version, "overall_outcome": "meets", **data},
    )


def test_add_another_recommendation_saves_and_shows_one_more_row(rita_client, review):
    gap = review.findings.get(expectation__code="2.3")
    response = outcome(
        rita_client, review, add="1", **recommendation_rows(("Name a moderator.", [gap.pk]))
    )
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/{review.pk}/outcome/?another=1#recommendation-2"
    assert list(review.recommendations.values_list("text", flat=True)) == ["Name a moderator."]
    page = rita_client.get(response["Location"]).content.decode()
    assert "Recommendation 1: what the agency should do" in page
    assert "Name a moderator.</textarea>" in page
    assert checked(page, "recommendations-0-findings", str(gap.pk))
    assert "Recommendation 2: what the agency should do" in page
    assert 'name="recommendations-1-text"' in page and "Remove recommendation 2" not in page
    assert 'name="recommendations-TOTAL_FORMS" value="2"' in page


def test_remove_takes_out_a_recommendation_and_keeps_the_rest(rita_client, review):
    outcome(rita_client, review, later="1", **recommendation_rows(("First", []), ("Second", [])))
    page = rita_client.get(f"/reviews/{review.pk}/outcome/").content.decode()
    assert "Remove recommendation 1" in page and "Remove recommendation 2" in page
    assert 'name="recommendations-2-text"' not in page  # saved rows only, until asked for more
    response = outcome(
        rita_client,
        review,
        later="1",
        **recommendation_rows(("First", []), ("Second", []), remove=[1]),
    )
    assert response.status_code == 302
    assert list(review.recommendations.values_list("text", flat=True)) == ["Second"]


def test_the_outcome_step_keeps_what_was_typed_when_a_rule_is_broken(rita_client, review):
    response = outcome(
        rita_client,
        review,
        overall_outcome="does_not_meet",
        summary="My summary",
        **recommendation_rows(("Keep me", [])),
        **{"continue": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_override_reason">Give the reason' in page
    assert "My summary</textarea>" in page and "Keep me</textarea>" in page
    assert checked(page, "overall_outcome", "does_not_meet")
