"""What reviewers tell the finder: quotes they accept, and suggestions that are not relevant."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from audit.models import AuditEvent
from evidence.models import AcceptedEvidence, DismissedSuggestion, ExpectationEvidence, Passage
from evidence.selectors import suggestions_for_step
from evidence.services import evidence_prepare
from policies.models import PolicyVersion
from reviews.services import review_save_findings

from ..factories import PolicyVersionFactory, make_review
from .policies import make_docx_from

pytestmark = pytest.mark.django_db

LAST_YEAR = """# Youth club social media policy

## Staff conduct

Staff must not befriend pupils or accept friend requests from them on personal accounts.

Team leaders agree the next steps together before anyone answers a worrying post.

## Photographs

Photos are deleted from the device once saved to the secure drive.
"""
THIS_YEAR = LAST_YEAR.replace("answers a worrying post.", "answers a worrying post from a member.")


def version_of(text: str, **extra) -> PolicyVersion:
    return PolicyVersionFactory(
        file=ContentFile(make_docx_from(text), name="policy.docx"),
        file_kind=PolicyVersion.FileKind.DOCX,
        **extra,
    )


@pytest.fixture
def review(northgate, rita, mo, charlie):
    version_of(LAST_YEAR, document__agency=northgate, number=1)
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    evidence_prepare(version_id=review.policy_version_id, framework_id=review.framework_id)
    return review


def finding(review, code: str):
    return review.findings.get(expectation__code=code)


def quote(review, code: str, text: str, *, by):
    return review_save_findings(
        review=review,
        by=by,
        lock_version=review.lock_version,
        answers={finding(review, code).pk: {"evidence_quote": text}},
    )


def suggestions(review, code: str) -> list[dict]:
    return ExpectationEvidence.objects.get(
        run__version_id=review.policy_version_id, expectation__code=code
    ).suggestions


NORMS = "Team leaders agree the next steps together before anyone answers a worrying post."


def test_a_quoted_passage_is_recorded_as_accepted_evidence_for_its_expectation(review, rita):
    quote(review, "3.4", NORMS, by=rita)
    accepted = AcceptedEvidence.objects.get()
    assert (accepted.framework_code, accepted.expectation_code) == ("lscb-social-media", "3.4")
    assert accepted.text == NORMS
    assert accepted.version_id == review.policy_version_id and accepted.accepted_by == rita


def test_saving_the_same_quote_again_keeps_when_it_was_accepted_and_clearing_it_forgets_it(
    review, rita
):
    review = quote(review, "3.4", NORMS, by=rita)
    first = AcceptedEvidence.objects.get().accepted_at
    review = quote(review, "3.4", NORMS, by=rita)
    assert AcceptedEvidence.objects.get().accepted_at == first
    quote(review, "3.4", "", by=rita)
    assert not AcceptedEvidence.objects.exists()


def test_accepted_quotes_raise_the_right_passage_for_the_next_version_of_the_policy(review, rita):
    # On its own the finder does not connect this passage with 3.4.
    assert not any(s["text"] == NORMS and s["label"] for s in suggestions(review, "3.4"))
    quote(review, "3.4", NORMS, by=rita)

    next_version = version_of(THIS_YEAR, document=review.policy_version.document, number=2)
    run = evidence_prepare(version_id=next_version.pk, framework_id=review.framework_id)

    [best, *_] = ExpectationEvidence.objects.get(run=run, expectation__code="3.4").suggestions
    assert best["text"] == NORMS.replace("a worrying post.", "a worrying post from a member.")
    assert best["label"] == "likely"


def test_another_agencys_accepted_quotes_do_not_change_this_policys_suggestions(
    review, rita, southport
):
    quote(review, "3.4", NORMS, by=rita)
    other = version_of(THIS_YEAR, document__agency=southport, number=1)
    run = evidence_prepare(version_id=other.pk, framework_id=review.framework_id)
    found = ExpectationEvidence.objects.get(run=run, expectation__code="3.4").suggestions
    assert not any(s["label"] and "Team leaders" in s["text"] for s in found)


def not_relevant(client, review, *, code: str, passage: int):
    expectation = finding(review, code).expectation_id
    return client.post(
        f"/evidence/reviews/{review.pk}/suggestions/not-relevant/",
        {"expectation": expectation, "passage": passage},
    )


def test_not_relevant_demotes_the_passage_for_that_version_and_takes_away_its_label(
    review, rita_client
):
    [best, *rest] = suggestions(review, "1.1")
    assert best["label"]
    response = not_relevant(rita_client, review, code="1.1", passage=best["passage"])
    assert response.status_code == 302
    assert response["Location"].endswith(f"/reviews/{review.pk}/section/1/#finding-1.1")

    shown = suggestions_for_step(review=review, section_number=1)[
        finding(review, "1.1").expectation_id
    ]
    assert shown[-1]["passage"] == best["passage"]
    assert shown[-1]["dismissed"] is True and shown[-1]["label"] == ""
    assert [s["passage"] for s in shown[:-1]] == [s["passage"] for s in rest]
    event = AuditEvent.objects.get(action=AuditEvent.Action.SUGGESTION_DISMISSED)
    assert event.detail == {"expectation": "1.1", "passage": best["passage"]}


def test_a_dismissed_passage_stays_demoted_when_suggestions_are_prepared_again(review, rita_client):
    [best, *_] = suggestions(review, "1.1")
    not_relevant(rita_client, review, code="1.1", passage=best["passage"])
    ExpectationEvidence.objects.all().delete()
    review.policy_version.evidence_runs.all().delete()
    evidence_prepare(version_id=review.policy_version_id, framework_id=review.framework_id)
    assert suggestions(review, "1.1")[-1]["passage"] == best["passage"]


def test_the_steps_script_is_answered_without_leaving_the_page(review, rita_client):
    [best, *_] = suggestions(review, "1.1")
    response = rita_client.post(
        f"/evidence/reviews/{review.pk}/suggestions/not-relevant/",
        {"expectation": finding(review, "1.1").expectation_id, "passage": best["passage"]},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 204
    assert DismissedSuggestion.objects.count() == 1


def test_only_the_reviewer_may_say_a_suggestion_is_not_relevant(review, mo):
    client = Client()
    client.force_login(mo)
    passage = Passage.objects.filter(version=review.policy_version).first()
    response = not_relevant(client, review, code="1.1", passage=passage.pk)
    assert response.status_code == 403
    assert not DismissedSuggestion.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).exists()


def test_someone_who_cannot_see_the_review_is_told_it_does_not_exist(review, bob_client):
    passage = Passage.objects.filter(version=review.policy_version).first()
    assert not_relevant(bob_client, review, code="1.1", passage=passage.pk).status_code == 404
    assert not DismissedSuggestion.objects.exists()


def test_not_relevant_is_post_only_and_needs_the_forms_security_token(review, rita):
    url = f"/evidence/reviews/{review.pk}/suggestions/not-relevant/"
    client = Client(enforce_csrf_checks=True)
    client.force_login(rita)
    assert client.get(url).status_code == 405
    passage = Passage.objects.filter(version=review.policy_version).first()
    response = client.post(
        url, {"expectation": finding(review, "1.1").expectation_id, "passage": passage.pk}
    )
    assert response.status_code == 403
    assert not DismissedSuggestion.objects.exists()


def test_a_passage_of_another_policy_is_refused_with_a_clear_message(review, rita_client):
    other = version_of(LAST_YEAR, number=1)
    evidence_prepare(version_id=other.pk, framework_id=review.framework_id)
    passage = Passage.objects.filter(version=other).first()
    response = not_relevant(rita_client, review, code="1.1", passage=passage.pk)
    assert response.status_code == 302
    assert not DismissedSuggestion.objects.exists()
    page = rita_client.get(response["Location"]).content.decode()
    assert "That passage is not a suggestion for this review." in page


def test_the_step_labels_suggestions_and_offers_not_relevant(review, rita_client):
    page = rita_client.get(f"/reviews/{review.pk}/section/1/").content.decode()
    one = page.split('id="finding-1.1"')[1].split('id="finding-1.2"')[0]
    assert 'govuk-tag--green">Likely</strong>' in one
    assert f'data-not-relevant-url="/evidence/reviews/{review.pk}/suggestions/not-relevant/"' in one
    assert "Strong match" not in page
