import datetime

import factory
from django.core.files.base import ContentFile

from accounts.models import User
from policies.generate import make_pdf
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
