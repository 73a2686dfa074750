"""Invented demo data for a laptop: people, agencies and one uploaded policy each.

Every name, address and policy here is made up. The accounts are for local use only.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.two_factor import DEMO_TOTP_KEY, demo_devices_create
from demo.documents import make_docx, make_odt, make_pdf
from policies.extraction import policy_version_extract_text
from policies.models import Agency, Membership, PolicyDocument
from policies.services import UploadRefused, VersionMetadata, policy_version_upload

from .clock import demo_clock
from .history import demo_history_seed
from .policy_texts import SECTIONS, policy_blocks
from .replies import demo_replies_seed
from .self_assessment import demo_self_assessment_seed

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - local demo accounts only
BOARD_SET_UP_ON = date(2025, 3, 3)

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
    demo_devices_create(
        get_user_model().objects.filter(email__in=[e for e, _ in demo_sign_ins()]), DEMO_TOTP_KEY
    )
    # Also brings the history to a demo board made before it was part of the demo.
    added = demo_history_seed()
    added = demo_self_assessment_seed() or added
    added = demo_replies_seed() or added
    return created or added


ROLE_NAMES = {
    "is_board_admin": "board admin",
    "is_reviewer": "reviewer",
    "is_moderator": "moderator",
}


def demo_sign_ins() -> list[tuple[str, str]]:
    """Every demo account, board people first: (email, who)."""
    board = [
        (email, f"{name}, " + " and ".join(ROLE_NAMES[role] for role in roles))
        for email, name, roles in BOARD_PEOPLE
    ]
    return board + [(a.member_email, f"{a.member_name}, member of {a.name}") for a in AGENCIES]


def _demo_board() -> bool:
    User = get_user_model()
    if User.objects.filter(email=BOARD_PEOPLE[0][0]).exists():
        return False
    with transaction.atomic(), demo_clock() as clock:
        _board_and_policies(clock)
    return True


def _board_and_policies(clock) -> None:
    """The people and agencies, each agency's policy uploaded before the 2025 cycle opened."""
    User = get_user_model()
    clock.set(BOARD_SET_UP_ON)
    for email, name, roles in BOARD_PEOPLE:
        User.objects.create_user(email, DEMO_PASSWORD, full_name=name, **roles)
    for n, demo in enumerate(AGENCIES):
        clock.set(BOARD_SET_UP_ON + timedelta(days=3 + 2 * n), hour=10)
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
        # Read now, so that reviews can be assigned straight away; the extraction task queued by
        # the upload then finds nothing left to do.
        policy_version_extract_text(version_id=version.pk)
