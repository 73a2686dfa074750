"""What an outcome shows, taken from the review when its findings become final: the review,
its findings, recommendations and sign-offs, and in an annex the agency's replies and the
board's answers."""

from django.conf import settings
from django.utils import dateformat, timezone

from reviews.answers import ANSWER_FIELDS
from reviews.models import Finding, Reply, Review, SignOff
from reviews.selectors_self_assessments import self_ratings_content


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat() if moment else ""


def _display(moment) -> str:
    return dateformat.format(timezone.localtime(moment), r"j F Y \a\t H:i") if moment else ""


def outcome_content(review: Review) -> dict:
    """Everything the outcome shows, as it stands now. `review` from review_with_history."""
    version = review.policy_version
    framework = review.framework
    sections: dict[int, dict] = {}
    self_ratings = self_ratings_content(review=review)
    for finding in review.findings.all():
        section = finding.expectation.section
        entry = sections.setdefault(
            section.number, {"number": section.number, "title": section.title, "findings": []}
        )
        entry["findings"].append(
            {
                "code": finding.expectation.code,
                "text": finding.expectation.text,
                "rating_label": finding.get_rating_display() or "Not rated",
                **{field: getattr(finding, field) for field in ANSWER_FIELDS},
                # The agency's own rating, where it assessed itself, and the reviewer's view.
                "self_rating": self_ratings.get(finding.expectation_id),
                "self_assessment_view": finding.get_self_assessment_view_display(),
                "self_assessment_comment": finding.self_assessment_comment,
            }
        )
    sign_offs = [s for s in review.sign_offs.all() if s.round == review.round]
    latest = {s.role: s for s in sorted(sign_offs, key=lambda s: s.signed_at)}
    return {
        "reference": review.reference,
        "board_name": settings.BOARD_NAME,
        "agency": review.agency.name,
        "cycle": review.cycle.name,
        "policy": {
            "title": version.document.title,
            "version_label": version.version_label,
            "version_number": version.number,
            "file_name": version.original_filename or version.download_name,
            "sha256": version.sha256,
            "owner": version.owner,
            "document_date": version.document_date_as_given,
        },
        "framework": {
            "name": framework.name,
            "version": framework.version,
            "publisher": framework.publisher,
        },
        "sections": [sections[number] for number in sorted(sections)],
        "overall_outcome": review.overall_outcome,
        "overall_outcome_label": review.get_overall_outcome_display(),
        "override_reason": review.outcome_override_reason,
        "summary": review.summary,
        "recommendations": [
            {
                "text": r.text,
                "answers": [f.expectation.code for f in r.findings.all()],
            }
            for r in review.recommendations.all()
        ],
        "sign_offs": [
            {
                "role": latest[role].get_role_display(),
                "name": latest[role].signed_by_name,
                "signed_at": _iso(latest[role].signed_at),
                "signed_at_display": _display(latest[role].signed_at),
                "attestation": latest[role].attestation,
            }
            for role in (SignOff.Role.REVIEWER, SignOff.Role.MODERATOR)
            if role in latest
        ],
        "signed_off_at": _iso(review.signed_off_at),
        "replies": replies_annex(review),
    }


def _reply_outcome(reply: Reply) -> str:
    if reply.answer == Reply.Answer.KEEP:
        return "The finding was kept"
    if reply.answer == Reply.Answer.AMEND and reply.confirmed_at:
        return "The finding was amended"
    if reply.answer == Reply.Answer.AMEND:
        return "An amendment was proposed but not confirmed before the reply ended"
    return "Not answered before the reply ended"


def _amended_evidence(reply: Reply) -> str:
    """The evidence a confirmed amendment added, as the annex prints it: the quote, then where
    it is in the policy."""
    where = ", ".join(
        part
        for part in (
            f"page {reply.proposed_evidence_page}" if reply.proposed_evidence_page else "",
            f"section “{reply.proposed_evidence_section}”"
            if reply.proposed_evidence_section
            else "",
        )
        if part
    )
    if reply.proposed_evidence_quote:
        return f"“{reply.proposed_evidence_quote}”" + (f" ({where})" if where else "")
    return where


def replies_annex(review: Review) -> list[dict]:
    """The agency's replies to the findings, each with the board's answer, in framework order."""
    replies = []
    for finding in review.findings.all():
        reply = getattr(finding, "reply", None)
        if reply is None:
            continue
        replies.append(
            {
                "code": finding.expectation.code,
                "text": reply.text,
                "replied_at_display": _display(reply.replied_at),
                "outcome": _reply_outcome(reply),
                "answer_reason": reply.answer_reason if reply.answer else "",
                "amended_rating_label": (
                    Finding.Rating(reply.proposed_rating).label
                    if reply.confirmed_at and reply.proposed_rating
                    else ""
                ),
                "amended_comment": reply.proposed_comment if reply.confirmed_at else "",
                "amended_evidence": _amended_evidence(reply) if reply.confirmed_at else "",
            }
        )
    return replies
