"""The invented policy every demo agency uploads, section by section."""

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
