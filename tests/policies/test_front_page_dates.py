"""Front pages often give a month, not a day: the upload takes it and shows it as given."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demo.documents import make_pdf
from policies.models import DatePrecision, PolicyVersion

from .test_upload import POLICY_TEXT, form_data

pytestmark = pytest.mark.django_db


def upload(client, agency, **dates):
    data = form_data(SimpleUploadedFile("p.pdf", make_pdf(POLICY_TEXT)), agency=str(agency.pk))
    data.update(dates)
    return client.post("/policies/new/", data)


def test_a_month_and_year_is_taken_and_shown_as_given(alice_client, northgate):
    response = upload(
        alice_client,
        northgate,
        document_date_0="",
        document_date_1="4",
        document_date_2="2014",
        next_review_date_0="",
        next_review_date_1="4",
        next_review_date_2="2015",
    )

    assert response.status_code == 302
    version = PolicyVersion.objects.get()
    assert version.document_date == datetime.date(2014, 4, 1)
    assert version.document_date_precision == DatePrecision.MONTH
    assert version.next_review_precision == DatePrecision.MONTH
    page = alice_client.get(version.get_absolute_url()).content.decode()
    assert "April 2014" in page and "1 April 2014" not in page
    assert "April 2015" in page and "30 April 2015" not in page


def test_a_full_date_is_still_taken_to_the_day(alice_client, northgate):
    upload(alice_client, northgate)

    version = PolicyVersion.objects.get()
    assert version.document_date_precision == DatePrecision.DAY
    assert "3 February 2026" in alice_client.get(version.get_absolute_url()).content.decode()


def test_a_month_only_next_review_date_is_due_at_the_end_of_that_month(alice_client, northgate):
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    for month in (today, last_month):
        PolicyVersion.objects.all().delete()
        upload(
            alice_client,
            northgate,
            document_date_1="1",
            document_date_2="2000",
            next_review_date_0="",
            next_review_date_1=str(month.month),
            next_review_date_2=str(month.year),
        )
        assert PolicyVersion.objects.get().is_past_review is (month == last_month)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("3", "", "2014", "Date of document must include a month"),
        ("", "4", "", "Date of document must include a year"),
        ("31", "2", "2014", "Date of document must be a real date"),
        ("99999999999999999999", "4", "2014", "Date of document must be a real date"),
        ("", "4", "99999999999999999999", "must include a year with 4 numbers"),
        ("", "April", "2014", "Date of document must be a real date"),
    ],
)
def test_a_date_that_cannot_be_read_gets_a_clear_message(
    alice_client, northgate, day, month, year, message
):
    response = upload(
        alice_client,
        northgate,
        document_date_0=day,
        document_date_1=month,
        document_date_2=year,
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PolicyVersion.objects.exists()


def test_a_month_only_review_date_in_the_month_of_the_document_is_accepted(alice_client, northgate):
    response = upload(
        alice_client,
        northgate,
        document_date_0="20",
        document_date_1="4",
        document_date_2="2014",
        next_review_date_0="",
        next_review_date_1="4",
        next_review_date_2="2014",
    )

    assert response.status_code == 302
