"""Invented demo data for a laptop: people, agencies and one uploaded policy each.

Every name, address and policy here is made up. The accounts are for local use only.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from .demo_reviews import demo_history_seed
from .generate import make_docx, make_odt, make_pdf
from .models import Agency, Membership, PolicyDocument
from .services import (
    UploadRefused,
    VersionMetadata,
    policy_version_extract_text,
    policy_version_upload,
)

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - local demo accounts only

BOARD_PEOPLE = [
    ("admin@demo.example", "Morgan Ellis", {"is_board_admin": True}),
    ("reviewer1@demo.example", "Priya Natarajan", {"is_reviewer": True}),
    ("reviewer2@demo.example", "Tom Okafor", {"is_reviewer": True}),
    ("moderator@demo.example", "Helen Achterberg", {"is_moderator": True}),
]


@dataclass(frozen=True)
class DemoAgency:
    name: str
    sector: str
    member_email: str
    member_name: str
    policy_title: str
    file_kind: str
    owner: str
    next_review_date: date


AGENCIES = [
    DemoAgency(
        "Wexcombe Borough Council",
        Agency.Sector.LOCAL_AUTHORITY,
        "council@demo.example",
        "Sam Whitlow",
        "Social media and online conduct policy",
        "pdf",
        "Head of Children's Services",
        date(2025, 9, 30),
    ),
    DemoAgency(
        "Wexcombe and Dunmere Police",
        Agency.Sector.POLICE,
        "police@demo.example",
        "Rhiannon Price",
        "Use of social media policy",
        "docx",
        "Superintendent, Public Protection",
        date(2027, 6, 1),
    ),
    DemoAgency(
        "Riverside Youth Trust",
        Agency.Sector.VOLUNTARY,
        "youthtrust@demo.example",
        "Jordan Feld",
        "Online safety and social media policy",
        "odt",
        "Designated Safeguarding Lead",
        date(2027, 1, 31),
    ),
]

SECTIONS = [
    (
        "Purpose and scope",
        [
            "This policy sets out how our staff, volunteers and contractors use social media (SM) "
            "when their work brings them into contact with children and young people.",
            "It applies to every account, device and platform, whether provided by the "
            "organisation or owned personally, when used in connection with our work.",
        ],
    ),
    (
        "Professional boundaries",
        [
            "Staff must not befriend, follow or privately message children or young people they "
            "work with on personal social media accounts. If a child contacts you, do not reply; "
            "tell your line manager and record the contact.",
            "Keep personal social media entirely separate from work use. Check which account you "
            "are signed in to before posting anything.",
            "Assume that the children and families we work with will look for you online. Use "
            "privacy settings and keep anything that could damage your professional standing off "
            "your personal profiles.",
        ],
    ),
    (
        "Images of children",
        [
            "Never use personal phones or cameras to photograph or film children. Use equipment "
            "supplied by the organisation, and follow the images procedure on consent, secure "
            "storage, removal from devices and deletion under the retention schedule.",
        ],
    ),
    (
        "Our official channels",
        [
            "Our official accounts are moderated by the communications team during office hours. "
            "Inappropriate posts, bullying or harassment are removed and reported, and any "
            "disclosure by a child is passed to the designated safeguarding lead the same day.",
            "We aim to reply to messages within two working days. Our channels are not monitored "
            "out of hours; pinned posts tell children where to get urgent help.",
        ],
    ),
    (
        "Information gathering",
        [
            "Searching social media for information about a named child is allowed only where "
            "there is a justifiable safeguarding concern, with written authorisation from a "
            "service manager, and the search and its results must be logged on the case record.",
            "Searches use open methods available to any member of the public. Staff must never "
            "create fake profiles or try to access private content.",
        ],
    ),
]


def policy_blocks(title: str, *, sections=SECTIONS) -> list[tuple]:
    blocks: list[tuple] = [("heading", 1, title)]
    for heading, paragraphs in sections:
        blocks.append(("heading", 2, heading))
        blocks.extend(("para", text) for text in paragraphs)
    blocks.append(("table", [["Version", "Approved by"], ["1.0", "Safeguarding committee"]]))
    return blocks


def _policy_file(agency: DemoAgency) -> tuple[str, bytes]:
    title = f"{agency.name}: {agency.policy_title}"
    if agency.file_kind == "docx":
        return "policy.docx", make_docx(policy_blocks(title), title=title)
    if agency.file_kind == "odt":
        return "policy.odt", make_odt(policy_blocks(title), title=title)
    pages = [[title, *SECTIONS[0][1], *SECTIONS[1][1]], [p for _, ps in SECTIONS[2:] for p in ps]]
    return "policy.pdf", make_pdf(pages, title=title)


def demo_seed(*, stdout=None) -> bool:
    """Create the demo board and its review history once. Returns False when nothing was added."""
    created = _demo_board()
    # Also brings the history to a demo board made before it was part of the demo.
    added = demo_history_seed()
    return created or added


def _demo_board() -> bool:
    User = get_user_model()
    if User.objects.filter(email=BOARD_PEOPLE[0][0]).exists():
        return False
    versions = []
    with transaction.atomic():
        for email, name, roles in BOARD_PEOPLE:
            User.objects.create_user(email, DEMO_PASSWORD, full_name=name, **roles)
        for demo in AGENCIES:
            agency = Agency.objects.create(name=demo.name, sector=demo.sector)
            member = User.objects.create_user(
                demo.member_email, DEMO_PASSWORD, full_name=demo.member_name
            )
            Membership.objects.create(user=member, agency=agency)
            filename, content = _policy_file(demo)
            try:
                version = policy_version_upload(
                    by=member,
                    agency=agency,
                    uploaded_file=SimpleUploadedFile(filename, content),
                    metadata=VersionMetadata(
                        owner=demo.owner,
                        version_label="1.0",
                        document_date=date(2024, 10, 1),
                        classification="OFFICIAL",
                        next_review_date=demo.next_review_date,
                        retention_period="6 years after it is superseded",
                    ),
                    title=demo.policy_title,
                    kind=PolicyDocument.Kind.SOCIAL_MEDIA,
                )
            except UploadRefused as refusal:
                raise RuntimeError(f"Demo policy for {demo.name}: {refusal.reason}") from refusal
            versions.append(version)
    # Read the demo policies now, so that reviews can be assigned straight away; the queued
    # extraction tasks then find nothing left to do.
    for version in versions:
        policy_version_extract_text(version_id=version.pk)
    _demo_reviews()
    return True


def _demo_reviews() -> None:
    from reviews.models import Framework, ReviewCycle
    from reviews.services import review_assign

    framework = Framework.objects.filter(code="lscb-social-media").order_by("-version").first()
    if framework is None:
        return
    User = get_user_model()
    admin = User.objects.get(email="admin@demo.example")
    moderator = User.objects.get(email="moderator@demo.example")
    cycle = ReviewCycle.objects.create(
        name="2026 social media policy review",
        framework=framework,
        opens_on=date(2026, 4, 1),
        closes_on=date(2027, 3, 31),
        created_by=admin,
    )
    agencies = list(Agency.objects.filter(name__in=[a.name for a in AGENCIES]).order_by("name"))
    cycle.agencies.set(agencies)
    reviewers = ["reviewer1@demo.example", "reviewer2@demo.example"]
    for n, agency in enumerate(agencies[:2]):
        review_assign(
            cycle=cycle,
            agency=agency,
            reviewer=User.objects.get(email=reviewers[n]),
            moderator=moderator,
            due_on=date(2026, 12, 18),
            by=admin,
        )
