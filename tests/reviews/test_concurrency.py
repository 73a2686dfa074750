"""Two saves of the same step at the same moment: exactly one wins, the other is told.

Real threads on real connections, so PostgreSQL's row locks decide, not the test's ordering.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from reviews.models import Finding, Review
from reviews.services import EditConflict, review_save_findings

from ..factories import make_review

TRIALS = 100

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locking"),
]


def save_in_thread(
    *,
    review_pk: int,
    lock_version: int,
    finding_pk: int,
    comment: str,
    barrier: threading.Barrier,
    results: dict,
    name: str,
) -> None:
    """The reviewer saves one answer on this thread's own connection, once both are ready."""
    try:
        review = Review.objects.select_related("reviewer").get(pk=review_pk)
        barrier.wait(timeout=10)
        review_save_findings(
            review=review,
            by=review.reviewer,
            lock_version=lock_version,
            answers={finding_pk: {"rating": Finding.Rating.NOT_MET, "comment": comment}},
        )
        results[name] = "saved"
    except EditConflict:
        results[name] = "conflict"
    except Exception as error:  # any other outcome is a failure, reported by the test
        results[name] = repr(error)
    finally:
        connections.close_all()


def test_of_two_simultaneous_saves_exactly_one_wins(northgate, rita, mo, charlie):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    finding = review.findings.get(expectation__code="1.1")

    for trial in range(TRIALS):
        lock_version = Review.objects.get(pk=review.pk).lock_version
        comments = {name: f"Answer {name} in trial {trial}" for name in ("first", "second")}
        barrier, results = threading.Barrier(2), {}
        threads = [
            threading.Thread(
                target=save_in_thread,
                kwargs={
                    "review_pk": review.pk,
                    "lock_version": lock_version,
                    "finding_pk": finding.pk,
                    "comment": comment,
                    "barrier": barrier,
                    "results": results,
                    "name": name,
                },
            )
            for name, comment in comments.items()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)

        assert sorted(results.values()) == ["conflict", "saved"], f"trial {trial}: {results}"
        winner = next(name for name, result in results.items() if result == "saved")
        finding.refresh_from_db()
        assert finding.comment == comments[winner], f"trial {trial}"
        assert Review.objects.get(pk=review.pk).lock_version == lock_version + 1, f"trial {trial}"


PAGE_TRIALS = 5


def save_step_in_thread(*, user, url: str, data: dict, barrier, results: dict, name: str) -> None:
    """The reviewer, in another browser, saves the step they opened at the same version."""
    try:
        client = Client()
        client.force_login(user)
        barrier.wait(timeout=10)
        results[name] = client.post(url, data).status_code
    except Exception as error:  # any other outcome is a failure, reported by the test
        results[name] = repr(error)
    finally:
        connections.close_all()


def test_of_two_simultaneous_saves_of_a_step_one_is_refused_and_told(northgate, rita, mo, charlie):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    url = f"/reviews/{review.pk}/section/1/"
    count = review.findings.filter(expectation__section__number=1).count()

    for trial in range(PAGE_TRIALS):
        lock_version = Review.objects.get(pk=review.pk).lock_version
        barrier, results = threading.Barrier(2), {}
        threads = []
        for name in ("first", "second"):
            data = {
                "lock_version": lock_version,
                "later": "1",
                "findings-TOTAL_FORMS": count,
                "findings-INITIAL_FORMS": count,
                "findings-0-rating": Finding.Rating.NOT_MET,
                "findings-0-comment": f"Answer {name} in trial {trial}",
            }
            threads.append(
                threading.Thread(
                    target=save_step_in_thread,
                    kwargs={
                        "user": rita,
                        "url": url,
                        "data": data,
                        "barrier": barrier,
                        "results": results,
                        "name": name,
                    },
                )
            )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert sorted(results.values()) == [302, 409], f"trial {trial}: {results}"
        assert Review.objects.get(pk=review.pk).lock_version == lock_version + 1, f"trial {trial}"
