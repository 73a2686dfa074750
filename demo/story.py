"""The invented story the demo history tells: last year's and this year's cycles, who reviewed
which agency, what they found and the quotes they took from the demo policies."""

from dataclasses import dataclass
from datetime import date

PREVIOUS_CYCLE = "2025 social media policy review"
CURRENT_CYCLE = "2026 social media policy review"
CURRENT_ASSIGNED_ON = date(2026, 9, 1)
COUNCIL = "Wexcombe Borough Council"
POLICE = "Wexcombe and Dunmere Police"
YOUTH_TRUST = "Riverside Youth Trust"

# Where each quote is: the section of the Word and OpenDocument files, the page of the PDF.
EVIDENCE = {
    "1.1": (
        "Staff must not befriend, follow or privately message children or young people they "
        "work with on personal social media accounts.",
        "Professional boundaries",
        1,
    ),
    "1.2": (
        "Keep personal social media entirely separate from work use. Check which account you "
        "are signed in to before posting anything.",
        "Professional boundaries",
        1,
    ),
    "1.3": (
        "Assume that the children and families we work with will look for you online.",
        "Professional boundaries",
        1,
    ),
    "1.5": (
        "Use privacy settings and keep anything that could damage your professional standing "
        "off your personal profiles.",
        "Professional boundaries",
        1,
    ),
    "1.6": (
        "Never use personal phones or cameras to photograph or film children. Use equipment "
        "supplied by the organisation, and follow the images procedure on consent, secure "
        "storage, removal from devices and deletion under the retention schedule.",
        "Images of children",
        2,
    ),
    "2.2": (
        "Our channels are not monitored out of hours; pinned posts tell children where to get "
        "urgent help.",
        "Our official channels",
        2,
    ),
    "2.3": (
        "Inappropriate posts, bullying or harassment are removed and reported, and any "
        "disclosure by a child is passed to the designated safeguarding lead the same day.",
        "Our official channels",
        2,
    ),
    "2.4": (
        "We aim to reply to messages within two working days.",
        "Our official channels",
        2,
    ),
    "3.1": (
        "Searching social media for information about a named child is allowed only where "
        "there is a justifiable safeguarding concern, with written authorisation from a "
        "service manager, and the search and its results must be logged on the case record.",
        "Information gathering",
        2,
    ),
    "3.2": (
        "Searches use open methods available to any member of the public. Staff must never "
        "create fake profiles or try to access private content.",
        "Information gathering",
        2,
    ),
}
# 1.4, 3.3 and 3.5 are partly answered by what the policy says for 1.3, 3.1 and 3.2.
EVIDENCE["1.4"] = EVIDENCE["1.3"]
EVIDENCE["3.3"] = EVIDENCE["3.1"]
EVIDENCE["3.5"] = EVIDENCE["3.2"]

# What the police added in version 2.0, after last year's review.
POLICE_V2_ADDITIONS = [
    (
        "Professional boundaries",
        [
            "Treat every message and post as a permanent record: screenshots outlast a deleted "
            "post. Assume anything you post is public unless you are certain it is not.",
        ],
    ),
    (
        "Reading what children post",
        [
            "Children and young people use different social norms online. Before acting on a "
            "post, check its context with someone who knows the child, and do not read into an "
            "exchange what is not there.",
            "Information a child posts publicly may not have been meant for a wide audience; do "
            "not treat it as public simply because it can be seen.",
        ],
    ),
]
EVIDENCE_V2 = {
    "1.4": (
        "Treat every message and post as a permanent record: screenshots outlast a deleted post.",
        "Professional boundaries",
        None,
    ),
    "1.5": (
        "Assume anything you post is public unless you are certain it is not.",
        "Professional boundaries",
        None,
    ),
    "3.4": (POLICE_V2_ADDITIONS[1][1][0], "Reading what children post", None),
    "3.5": (POLICE_V2_ADDITIONS[1][1][1], "Reading what children post", None),
}

MET, PART, NOT, NA = "met", "partially_met", "not_met", "not_applicable"


@dataclass(frozen=True)
class ReviewDates:
    assigned: date
    started: date
    submitted: date
    signed_off: date


@dataclass(frozen=True)
class DemoReview:
    cycle: str
    agency: str
    reviewer: str
    due_on: date
    dates: ReviewDates
    # Expectation code -> (rating, comment); any code not listed is met.
    findings: dict[str, tuple[str, str]]
    outcome: str
    override_reason: str
    summary: str
    # (recommendation, the expectation codes it answers)
    recommendations: list[tuple[str, tuple[str, ...]]]


PREVIOUS_REVIEWS = [
    DemoReview(
        PREVIOUS_CYCLE,
        COUNCIL,
        "reviewer1@demo.example",
        date(2025, 12, 12),
        ReviewDates(date(2025, 9, 15), date(2025, 10, 6), date(2025, 11, 24), date(2025, 12, 3)),
        {
            "1.4": (NOT, "Nothing says that messages and posts are a permanent record."),
            "1.5": (
                PART,
                "Privacy settings are mentioned, but staff are not told to assume that what "
                "they post is public.",
            ),
            "2.1": (
                NOT,
                "No check of a platform's minimum age before it is used with children, though "
                "the youth participation team runs group chats with under-16s.",
            ),
            "2.2": (
                PART,
                "Children are told where to get urgent help, but get no safety guidance when "
                "they first join a channel.",
            ),
            "3.3": (
                PART,
                "Covers searches about a named child, not checking what children post about "
                "their family or friends.",
            ),
            "3.4": (NOT, "Nothing on reading children's online exchanges in context."),
            "3.5": (
                NOT,
                "Staff are not warned that what they find online may not have been meant to be "
                "public.",
            ),
        },
        "does_not_meet",
        "",
        "Clear on professional boundaries, images and searches; silent on the permanence of "
        "posts, platforms' minimum ages and how to read what children post.",
        [
            ("Say that messages and posts are a permanent record, and assumed public.", ("1.4",)),
            (
                "Check and record the minimum age of each platform used with children.",
                ("2.1", "2.2"),
            ),
            ("Add guidance on reading children's online exchanges in context.", ("3.4", "3.5")),
        ],
    ),
    DemoReview(
        PREVIOUS_CYCLE,
        POLICE,
        "reviewer2@demo.example",
        date(2025, 12, 12),
        ReviewDates(date(2025, 9, 15), date(2025, 10, 13), date(2025, 11, 28), date(2025, 12, 5)),
        {
            "1.4": (
                PART,
                "Implies that what staff post lasts, but does not say that messages are a "
                "permanent record.",
            ),
            "1.5": (
                PART,
                "Privacy settings are covered; assuming that posts are public is not.",
            ),
            "2.1": (
                NA,
                "The force's channels are for the public at large; it runs no service that signs "
                "children up to a platform.",
            ),
            "2.2": (
                PART,
                "Urgent help is signposted; there is no safety guidance for children who "
                "message the force.",
            ),
            "3.4": (NOT, "Nothing on the different social norms children use online."),
            "3.5": (
                PART,
                "Forbids reaching private content, but does not warn that public posts may not "
                "have been meant for a wide audience.",
            ),
        },
        "meets_with_recommendations",
        "Expectation 3.4 is met by the force's separate guidance on investigating online "
        "material, which the policy will refer to at its next revision.",
        "A sound policy for officers and staff; it needs to say more about how to read what "
        "children post.",
        [
            ("Refer to the guidance on investigating online material, or bring it in.", ("3.4",)),
            ("Say that posts and messages are a permanent record.", ("1.4", "1.5")),
        ],
    ),
    DemoReview(
        PREVIOUS_CYCLE,
        YOUTH_TRUST,
        "reviewer1@demo.example",
        date(2025, 12, 12),
        ReviewDates(date(2025, 9, 15), date(2025, 10, 20), date(2025, 12, 1), date(2025, 12, 9)),
        {
            "1.2": (
                PART,
                "Volunteers who use one phone for everything are not told how to keep the "
                "accounts apart.",
            ),
            "1.4": (NOT, "Nothing says that messages and posts are a permanent record."),
            "1.5": (PART, "Privacy settings only; nothing on assuming posts are public."),
            "2.1": (NOT, "The trust's Discord server has no minimum age set or checked."),
            "2.2": (
                PART,
                "Urgent help is signposted; joining the trust's channels comes with no safety "
                "guidance.",
            ),
            "2.4": (
                PART,
                "Young people who message in the evening hear nothing until the next working "
                "day; the channels themselves should say so.",
            ),
            "3.3": (PART, "Covers named children only."),
            "3.4": (NOT, "Nothing on reading children's online exchanges in context."),
            "3.5": (NOT, "Nothing on information that was not meant to be public."),
        },
        "does_not_meet",
        "",
        "Good foundations for a small charity; the gaps are in its own online channels for "
        "young people.",
        [
            ("Set and check a minimum age on every channel the trust runs.", ("2.1",)),
            ("Publish response times and safety guidance on each channel.", ("2.2", "2.4")),
            ("Add guidance for youth workers on reading what young people post.", ("3.4", "3.5")),
        ],
    ),
]

CURRENT_POLICE_REVIEW = DemoReview(
    CURRENT_CYCLE,
    POLICE,
    "reviewer1@demo.example",
    date(2026, 12, 18),
    ReviewDates(CURRENT_ASSIGNED_ON, date(2026, 9, 14), date(2026, 10, 2), date(2026, 10, 9)),
    {
        "2.1": (
            NA,
            "The force's channels are for the public at large; it runs no service that signs "
            "children up to a platform.",
        ),
        "2.2": (
            PART,
            "Urgent help is signposted; there is still no safety guidance for children who "
            "message the force.",
        ),
    },
    "meets_with_recommendations",
    "",
    "Version 2.0 answers last year's recommendations on permanence and on reading what children "
    "post.",
    [("Publish safety guidance for children who message the force's accounts.", ("2.2",))],
)
