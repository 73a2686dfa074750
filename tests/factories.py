import datetime

import factory
from django.core.files.base import ContentFile

from accounts.models import User
from demo.documents import make_pdf
from policies.models import Agency, Membership, PolicyDocument, PolicyPage, PolicyVersion


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def agency(self, create, extracted, **kwargs):
        if extracted is not None:
            Membership.objects.create(user=self, agency=extracted)
        if create:
            self.save()


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    sector = Agency.Sector.LOCAL_AUTHORITY


class PolicyDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyDocument

    agency = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"Social media policy {n}")


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    """A stored, ready version, made without the upload checks (for read-side tests)."""

    class Meta:
        model = PolicyVersion
        skip_postgeneration_save = True

    document = factory.SubFactory(PolicyDocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    file = factory.LazyAttribute(
        lambda o: ContentFile(make_pdf([[f"Policy text {o.number}"]]), name="policy.pdf")
    )
    file_kind = PolicyVersion.FileKind.PDF
    media_type = "application/pdf"
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    size = 1000
    page_count = 1
    owner = "Head of Safeguarding"
    version_label = "1.0"
    document_date = datetime.date(2025, 1, 1)
    status = PolicyVersion.Status.READY

    @factory.post_generation
    def pages(self, create, extracted, **kwargs):
        if not create:
            return
        texts = ["Staff must not befriend children."] if extracted is None else extracted
        for number, text in enumerate(texts, 1):
            PolicyPage.objects.create(version=self, number=number, text=text)
        if self.status == PolicyVersion.Status.READY:
            document = self.document
            if document.current_version is None or document.current_version.number < self.number:
                document.current_version = self
                document.save(update_fields=["current_version"])


def lscb_framework():
    """The board's framework as loaded from its data file."""
    from reviews.services import FRAMEWORKS_DIR, framework_load

    return framework_load(path=FRAMEWORKS_DIR / "lscb-social-media-2015.toml").framework


def make_cycle(*, agencies, name: str = "2026 social media policy review", framework=None):
    from reviews.models import ReviewCycle

    cycle = ReviewCycle.objects.create(
        name=name,
        framework=framework or lscb_framework(),
        opens_on=datetime.date(2026, 1, 1),
        closes_on=datetime.date(2026, 12, 31),
    )
    cycle.agencies.set(agencies)
    return cycle


def make_review(*, agency, reviewer, moderator, admin, cycle=None, due_on=None):
    """An assigned review of the agency's ready policy, made through the assignment service."""
    from reviews.services import review_assign

    if not PolicyVersion.objects.filter(document__agency=agency, status="ready").exists():
        PolicyVersionFactory(
            document__agency=agency,
            number=1,
            pages=[
                "Staff must not befriend children or young people on social media.",
                "Images of children are taken only on devices supplied by the council.",
            ],
        )
    cycle = cycle or make_cycle(agencies=[agency])
    if not cycle.agencies.filter(pk=agency.pk).exists():
        cycle.agencies.add(agency)
    return review_assign(
        cycle=cycle,
        agency=agency,
        reviewer=reviewer,
        moderator=moderator,
        due_on=due_on or datetime.date(2026, 6, 30),
        by=admin,
    )


def complete_answers(review) -> dict[int, dict]:
    """Answers that satisfy every rule: every expectation met, with a quote and its page."""
    return {
        finding.pk: {
            "rating": "met",
            "evidence_quote": "Staff must not befriend children or young people on social media.",
            "evidence_page": 1,
            "evidence_section": "",
            "comment": "",
            "not_applicable_reason": "",
        }
        for finding in review.findings.all()
    }


def make_self_assessment(*, cycle, agency, member, ratings=None, submit=True):
    """The agency's self-assessment in the cycle, through its services: every expectation rated
    Met with a quote, except `ratings` (code -> rating); submitted unless told not to."""
    from reviews.services.self_assessments import (
        self_assessment_open,
        self_assessment_save,
        self_assessment_submit,
    )

    if cycle.self_assessment_due_on is None:
        cycle.self_assessment_due_on = cycle.closes_on
        cycle.save(update_fields=["self_assessment_due_on"])
    assessment = self_assessment_open(cycle=cycle, agency=agency, by=member)
    answers = {}
    for rating in assessment.ratings.select_related("expectation"):
        chosen = (ratings or {}).get(rating.expectation.code, "met")
        met = chosen in ("met", "partially_met")
        answers[rating.pk] = {
            "rating": chosen,
            "evidence_quote": "Staff must not befriend children on social media." if met else "",
            "evidence_page": 1 if met else None,
        }
    today = cycle.self_assessment_due_on
    assessment = self_assessment_save(
        assessment=assessment,
        by=member,
        lock_version=assessment.lock_version,
        answers=answers,
        today=today,
    )
    if submit:
        assessment = self_assessment_submit(
            assessment=assessment, by=member, lock_version=assessment.lock_version, today=today
        )
    return assessment


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app; tests.accounts.totp.totp_code gives its codes."""

    class Meta:
        model = "otp_totp.TOTPDevice"

    name = "Authenticator app"
    confirmed = True
