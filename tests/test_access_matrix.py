# The table is laid out as a table, one row to a line, whatever its width.
# ruff: noqa: E501
"""Who may open which page: every URL of the service, for each kind of person.

The table below is the service's access rules in one place. It has a row for every URL pattern
(the Django admin's are generated: the admin is for superusers only), saying how to build the
URL from a small set of records and what each person gets:

    OK         the page, or a redirect to a page that is not the sign-in page
    SIGN_IN    a redirect to the sign-in page
    FORBIDDEN  403, and an ACCESS_REFUSED (or TRANSITION_REFUSED) audit event
    HIDDEN     404 because the object is not the person's to know of, audited as a refusal
    ABSENT     404 because there is nothing there for anyone in that position (not a refusal)
    NOBODY     403 from the Django admin for an action it offers to nobody, a superuser included
    NO_GET     405: the URL changes something and takes POST only
    INVALID    400: a public endpoint called without what it needs

The people: nobody signed in; alice, a member of Northgate Council; rita, a reviewer, and mo, a
moderator, both assigned to Northgate's review and not to Southport's (which rhea and max
have); charlie, the board admin; root, the service's technical administrator (a superuser, made
a board admin too, as `createsuperuser` makes one). A row's variant names whose objects it uses:
"northgate" rows use objects alice and rita/mo may see, "southport" rows objects they may not.

A new URL pattern without a row here fails the test: decide who may open it first.
"""

import datetime
import functools
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.admin import site as admin_site
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from audit.models import AuditEvent
from evidence.models import DismissedSuggestion
from outcomes.models import Outcome
from people.models import INVITATION_LIFETIME, Invitation, token_digest
from policies.models import Agency, Membership, PolicyDocument, PolicyPage, PolicyVersion
from reviews.models import (
    Expectation,
    Finding,
    Framework,
    Reply,
    Review,
    ReviewCycle,
    Section,
    SelfAssessment,
    SelfRating,
)
from summaries.models import Action, Export

from .factories import AgencyFactory, UserFactory

OK, SIGN_IN, FORBIDDEN, HIDDEN, ABSENT, NOBODY, NO_GET, INVALID = (
    "allowed",
    "sign-in redirect",
    "403 refused",
    "404 refused",
    "404 absent",
    "403 to everyone",
    "405",
    "400",
)
ROLES = ("anonymous", "alice", "rita", "mo", "charlie", "root")
REFUSALS = (AuditEvent.Action.ACCESS_REFUSED, AuditEvent.Action.TRANSITION_REFUSED)
INVITATION_TOKEN = "an-invitation-token-for-the-access-matrix"


class World:
    """The records the URLs point at, each made the first time a row asks for it, so a test
    makes only what its own URL needs."""

    @functools.cached_property
    def northgate(self):
        return AgencyFactory(name="Northgate Council", sector=Agency.Sector.LOCAL_AUTHORITY)

    @functools.cached_property
    def southport(self):
        return AgencyFactory(name="Southport Police", sector=Agency.Sector.POLICE)

    def _person(self, email: str, name: str, **fields) -> User:
        # No password hashing: these people are signed in with force_login.
        return User.objects.create(email=email, full_name=name, password="!", **fields)

    @functools.cached_property
    def alice(self):
        alice = self._person("alice@northgate.test", "Alice Archer")
        Membership.objects.create(user=alice, agency=self.northgate)
        return alice

    @functools.cached_property
    def bob(self):
        bob = self._person("bob@southport.test", "Bob Baker")
        Membership.objects.create(user=bob, agency=self.southport)
        return bob

    @functools.cached_property
    def charlie(self):
        return self._person("charlie@board.test", "Charlie Chen", is_board_admin=True)

    @functools.cached_property
    def rita(self):
        return self._person("rita@board.test", "Rita Reyes", is_reviewer=True)

    @functools.cached_property
    def mo(self):
        return self._person("mo@board.test", "Mo Moreau", is_moderator=True)

    @functools.cached_property
    def rhea(self):
        return self._person("rhea@board.test", "Rhea Rowe", is_reviewer=True)

    @functools.cached_property
    def max(self):
        return self._person("max@board.test", "Max Mason", is_moderator=True)

    @functools.cached_property
    def root(self):
        return self._person(
            "root@board.test",
            "Sam Root",
            is_superuser=True,
            is_staff=True,
            is_board_admin=True,
        )

    def person(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)

    # Policies

    def _version(self, agency) -> PolicyVersion:
        document = PolicyDocument.objects.create(
            agency=agency, title=f"{agency.name} social media policy"
        )
        version = PolicyVersion.objects.create(
            document=document,
            number=1,
            file=ContentFile(b"%PDF-1.7 policy", name="policy.pdf"),
            file_kind=PolicyVersion.FileKind.PDF,
            media_type="application/pdf",
            sha256=secrets.token_hex(32),
            size=15,
            page_count=1,
            owner="Head of Safeguarding",
            version_label="1.0",
            document_date=datetime.date(2025, 1, 1),
            status=PolicyVersion.Status.READY,
        )
        PolicyPage.objects.create(version=version, number=1, text="Staff must not befriend.")
        document.current_version = version
        document.save(update_fields=["current_version"])
        return version

    @functools.cached_property
    def northgate_version(self):
        return self._version(self.northgate)

    @functools.cached_property
    def southport_version(self):
        return self._version(self.southport)

    # Frameworks, cycles and reviews

    def _framework(self, version: int, status: str) -> Framework:
        # Written as a draft: the database refuses new sections in a published version.
        framework = Framework.objects.create(
            code="access-check",
            version=version,
            name="Access check framework",
            content_hash=f"{version}" * 64 if status == Framework.Status.PUBLISHED else "",
            status=Framework.Status.DRAFT,
        )
        section = Section.objects.create(framework=framework, number=1, title="Staff conduct")
        for order, code in enumerate(("1.1", "1.2"), 1):
            Expectation.objects.create(
                framework=framework,
                section=section,
                code=code,
                order=order,
                text=f"Expectation {code}",
            )
        Framework.objects.filter(pk=framework.pk).update(status=status)
        framework.refresh_from_db()
        return framework

    @functools.cached_property
    def framework(self):
        return self._framework(1, Framework.Status.PUBLISHED)

    @functools.cached_property
    def framework_draft(self):
        """Version 2 of the framework, a draft being written, with a second section."""
        draft = self._framework(2, Framework.Status.DRAFT)
        Section.objects.create(framework=draft, number=2, title="Online conduct")
        return draft

    def _cycle(self, name: str, year: int) -> ReviewCycle:
        cycle = ReviewCycle.objects.create(
            name=name,
            framework=self.framework,
            opens_on=datetime.date(year, 1, 1),
            closes_on=datetime.date(year, 12, 31),
        )
        cycle.agencies.set([self.northgate, self.southport])
        return cycle

    @functools.cached_property
    def cycle(self):
        """The open cycle."""
        return self._cycle("2026 social media policy review", timezone.localdate().year)

    @functools.cached_property
    def past_cycle(self):
        return self._cycle("2025 social media policy review", timezone.localdate().year - 1)

    def _review(self, *, cycle, version, reviewer, moderator, state, gap: str = "") -> Review:
        published = state in Review.PUBLISHED_STATES
        review = Review.objects.create(
            cycle=cycle,
            policy_version=version,
            agency=version.document.agency,
            framework=cycle.framework,
            reviewer=reviewer,
            moderator=moderator,
            due_on=cycle.closes_on,
            state=state,
            assigned_by=self.charlie,
            overall_outcome=Review.Outcome.DOES_NOT_MEET if published else "",
            summary="Staff conduct is not covered." if published else "",
            signed_off_at=timezone.now() if published else None,
        )
        Finding.objects.bulk_create(
            Finding(
                review=review,
                expectation=expectation,
                rating=(gap if expectation.code == "1.2" else "met") if published else "",
                evidence_quote="Staff must not befriend." if published else "",
                evidence_page=1 if published else None,
                comment="Nothing on this." if published else "",
            )
            for expectation in cycle.framework.expectations.all()
        )
        return review

    @functools.cached_property
    def northgate_review(self):
        """Northgate's review in the open cycle, assigned to rita and mo."""
        return self._review(
            cycle=self.cycle,
            version=self.northgate_version,
            reviewer=self.rita,
            moderator=self.mo,
            state=Review.State.ASSIGNED,
        )

    @functools.cached_property
    def southport_review(self):
        """Southport's review in the open cycle, assigned to other board members."""
        return self._review(
            cycle=self.cycle,
            version=self.southport_version,
            reviewer=self.rhea,
            moderator=self.max,
            state=Review.State.ASSIGNED,
        )

    def _self_assessment(self, agency, version) -> SelfAssessment:
        # The open cycle asks agencies to assess themselves; rita and mo review Northgate.
        assert self.northgate_review.reviewer == self.rita
        ReviewCycle.objects.filter(pk=self.cycle.pk).update(
            self_assessment_due_on=self.cycle.closes_on
        )
        assessment = SelfAssessment.objects.create(
            cycle=self.cycle, agency=agency, policy_version=version
        )
        SelfRating.objects.bulk_create(
            SelfRating(assessment=assessment, expectation=expectation)
            for expectation in self.cycle.framework.expectations.all()
        )
        return assessment

    @functools.cached_property
    def northgate_self_assessment(self):
        return self._self_assessment(self.northgate, self.northgate_version)

    @functools.cached_property
    def southport_self_assessment(self):
        return self._self_assessment(self.southport, self.southport_version)

    def _issued(self, *, version, reviewer, moderator) -> Review:
        review = self._review(
            cycle=self.past_cycle,
            version=version,
            reviewer=reviewer,
            moderator=moderator,
            state=Review.State.OUTCOME_ISSUED,
            gap=Finding.Rating.NOT_MET,
        )
        Outcome.objects.create(
            review=review,
            status=Outcome.Status.READY,
            content={},
            file=ContentFile(b"%PDF-1.7 outcome", name="outcome.pdf"),
            sha256=secrets.token_hex(32),
            size=16,
            rendered_at=timezone.now(),
        )
        return review

    @functools.cached_property
    def northgate_issued(self):
        """Northgate's last review, outcome issued, rita and mo's; 1.2 not met."""
        return self._issued(version=self.northgate_version, reviewer=self.rita, moderator=self.mo)

    @functools.cached_property
    def southport_issued(self):
        return self._issued(version=self.southport_version, reviewer=self.rhea, moderator=self.max)

    def gap(self, review) -> Finding:
        return review.findings.get(expectation__code="1.2")

    @functools.cached_property
    def reply_cycle(self):
        """A cycle with a reply window: its reviews go to the agency for its reply."""
        cycle = self._cycle("2026 review with a reply window", timezone.localdate().year)
        cycle.reply_window_days = 5
        cycle.save(update_fields=["reply_window_days"])
        return cycle

    def _in_reply(self, *, version, reviewer, moderator, member) -> Review:
        review = self._review(
            cycle=self.reply_cycle,
            version=version,
            reviewer=reviewer,
            moderator=moderator,
            state=Review.State.IN_REPLY,
        )
        Review.objects.filter(pk=review.pk).update(
            reply_closes_on=timezone.localdate() + datetime.timedelta(days=7)
        )
        # The agency replied to 1.2; the reviewer proposes an amendment for the moderator.
        Reply.objects.create(
            finding=self.gap(review),
            text="Page 1 covers this.",
            replied_by=member,
            answer=Reply.Answer.AMEND,
            answer_reason="It does.",
            proposed_comment="Covered on page 1.",
            answered_by=reviewer,
            answered_at=timezone.now(),
        )
        review.refresh_from_db()
        return review

    @functools.cached_property
    def northgate_in_reply(self):
        """Northgate's review open for its reply, rita and mo's."""
        return self._in_reply(
            version=self.northgate_version, reviewer=self.rita, moderator=self.mo, member=self.alice
        )

    @functools.cached_property
    def southport_in_reply(self):
        return self._in_reply(
            version=self.southport_version, reviewer=self.rhea, moderator=self.max, member=self.bob
        )

    def replies_as_they_stand(self):
        return list(Reply.objects.values()), list(Finding.objects.values("pk", "rating", "comment"))

    def reply_as_it_stands(self):
        return list(Review.objects.values("pk", "reply_finished_at", "reply_closed_at"))

    def _action(self, review, by) -> Action:
        return Action.objects.create(
            finding=self.gap(review),
            review=review,
            agency=review.agency,
            description="Add a section on staff conduct online.",
            owner="Head of Safeguarding",
            due_on=timezone.localdate() + datetime.timedelta(days=30),
            created_by=by,
        )

    @functools.cached_property
    def northgate_action(self):
        return self._action(self.northgate_issued, self.alice)

    @functools.cached_property
    def southport_action(self):
        return self._action(self.southport_issued, self.bob)

    @functools.cached_property
    def export(self):
        return Export.objects.create(
            format=Export.Format.CSV,
            cycle=self.cycle,
            status=Export.Status.READY,
            progress=100,
            file=ContentFile(b"agency,rating\n", name="summary.csv"),
            size=14,
            requested_by=self.charlie,
        )

    # People

    @functools.cached_property
    def invited(self):
        """Someone invited who has not set a password yet."""
        person = self._person("ivy@board.test", "Ivy Invited", is_reviewer=True)
        Invitation.objects.create(
            person=person,
            token_sha256=token_digest(INVITATION_TOKEN),
            invited_by=self.charlie,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        return person

    @functools.cached_property
    def deactivated(self):
        return self._person("dan@board.test", "Dan Gone", is_reviewer=True, is_active=False)

    @functools.cached_property
    def root_membership(self):
        return Membership.objects.create(user=self.root, agency=self.southport)

    @functools.cached_property
    def totp_device(self):
        return TOTPDevice.objects.create(user=self.alice, name="Authenticator app")


# The table


@dataclass(frozen=True)
class Row:
    key: str  # the URL's name, or its route if it has none
    variant: str
    kwargs: Callable[[World], dict]
    expected: dict[str, str]
    method: str = "get"
    # For a POST: what a refused request must leave unchanged.
    state: Callable[[World], Any] | None = None
    setup: Callable[[World], Any] | None = None
    data: dict = field(default_factory=dict)


def _row(key, variant, kwargs, *expected, **options) -> Row:
    assert len(expected) == len(ROLES), key
    return Row(
        key, variant, kwargs or (lambda w: {}), dict(zip(ROLES, expected, strict=True)), **options
    )


def _pk(name: str) -> Callable[[World], dict]:
    return lambda w: {"pk": getattr(w, name).pk}


def _version(name: str) -> Callable[[World], dict]:
    def kwargs(w):
        version = getattr(w, name)
        return {"pk": version.document_id, "number": version.number}

    return kwargs


def _touch(*names: str) -> Callable[[World], dict]:
    """No arguments, but the page depends on these records being there."""

    def kwargs(w):
        for name in names:
            getattr(w, name)
        return {}

    return kwargs


def _draft(*, number: int | None = None, expectation: str = "") -> Callable[[World], dict]:
    """The draft framework version, and one of its sections or expectations."""

    def kwargs(w):
        draft = w.framework_draft
        values = {"code": draft.code, "version": draft.version}
        if number is not None:
            values["number"] = number
        if expectation:
            values["pk"] = draft.expectations.get(code=expectation).pk
        return values

    return kwargs


def _fresh(model, pk_of):
    return lambda w: model.objects.filter(pk=pk_of(w).pk).values().first()


_ = None  # a row with no arguments
NG, SP = "northgate", "southport"

# fmt: off
TABLE: list[Row] = [
    #     URL name                          variant     arguments                  anonymous alice      rita       mo         charlie    root
    # Everyone's own pages
    _row("home",                            "",   _,                               SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    _row("login",                           "",   _,                               OK,       OK,        OK,        OK,        OK,        OK),
    _row("logout",                          "",   _,                               NO_GET,   NO_GET,    NO_GET,    NO_GET,    NO_GET,    NO_GET),
    _row("logout",                          "",   _,                               SIGN_IN,  SIGN_IN,   SIGN_IN,   SIGN_IN,   SIGN_IN,   SIGN_IN, method="post"),
    _row("second_factor_code",              "",   _,                               SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    _row("second_factor",                   "",   _,                               SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    _row("recovery_codes",                  "",   _,                               SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    _row("second_factor_reset",             "person", lambda w: {"user_id": w.alice.pk},
                                                                                   SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("second_factor_reset",             "superuser", lambda w: {"user_id": w.root.pk},
                                                                                   SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    _row("oidc_authentication_init",        "",   _,                               OK,       OK,        OK,        OK,        OK,        OK),
    _row("oidc_authentication_callback",    "",   _,                               INVALID,  INVALID,   INVALID,   INVALID,   INVALID,   INVALID),
    _row("people:account",                  "",   _,                               SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    _row("people:sign_out_everywhere",      "",   _,                               NO_GET,   NO_GET,    NO_GET,    NO_GET,    NO_GET,    NO_GET),
    _row("people:sign_out_everywhere",      "",   _,                               SIGN_IN,  OK,        OK,        OK,        OK,        OK, method="post"),
    _row("people:invitation_accept",        "",   lambda w: {"token": w.invited and INVITATION_TOKEN},
                                                                                   OK,       OK,        OK,        OK,        OK,        OK),
    _row("privacy",                         "",   _,                               OK,       OK,        OK,        OK,        OK,        OK),
    _row("accessibility",                   "",   _,                               OK,       OK,        OK,        OK,        OK,        OK),
    _row("outcomes:check",                  "",   _,                               OK,       OK,        OK,        OK,        OK,        OK),
    _row("summaries:messages",              "",   _,                               SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    _row("reviews:frameworks",              "",   _touch("framework"),             SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    _row("reviews:framework",               "",   lambda w: {"code": w.framework.code, "version": 1},
                                                                                   SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    # A draft is the board admins' own until it is published; the editor is theirs alone.
    _row("reviews:framework",               "draft", _draft(),                     SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    OK,        OK),
    _row("reviews:framework_new",           "",   _,                               SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("reviews:framework_import",        "",   _,                               SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("reviews:framework_version_new",   "",   lambda w: {"code": w.framework.code},
                                                                                   NO_GET,   NO_GET,    NO_GET,    NO_GET,    NO_GET,    NO_GET),
    _row("reviews:framework_version_new",   "",   lambda w: {"code": w.framework.code},
                                                                                   SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK,
         method="post", state=lambda w: list(Framework.objects.values())),
    _row("reviews:framework_preview",       "",   lambda w: {"code": w.framework.code, "version": 1},
                                                                                   SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    *[
        _row("reviews:framework_export",    kind, lambda w, kind=kind: {"code": w.framework.code, "version": 1, "kind": kind},
                                                                                   SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK)
        for kind in ("yaml", "csv")
    ],
    # A published version never changes: its editor is refused to everyone.
    _row("reviews:framework_edit",          "published", lambda w: {"code": w.framework.code, "version": 1},
                                                                                   SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    *[
        _row(name, "draft", kwargs,                                                SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK)
        for name, kwargs in [
            ("reviews:framework_edit", _draft()),
            ("reviews:framework_publish", _draft()),
            ("reviews:framework_discard", _draft()),
            ("reviews:framework_section_new", _draft()),
            ("reviews:framework_section", _draft(number=1)),
            ("reviews:framework_section_remove", _draft(number=1)),
            ("reviews:framework_expectation_new", _draft(number=1)),
            ("reviews:framework_expectation", _draft(expectation="1.1")),
            ("reviews:framework_expectation_remove", _draft(expectation="1.1")),
        ]
    ],
    *[
        row
        for name, kwargs in [
            ("reviews:framework_section_move", _draft(number=1)),
            ("reviews:framework_expectation_move", _draft(expectation="1.1")),
        ]
        for row in (
            _row(name, "draft", kwargs,                                            NO_GET,   NO_GET,    NO_GET,    NO_GET,    NO_GET,    NO_GET),
            _row(name, "draft", kwargs,                                            SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK,
                 method="post", data={"lock_version": "1", "direction": "down"},
                 state=lambda w: (list(Section.objects.values()), list(Expectation.objects.values()))),
        )
    ],

    # Policies: the agency's members, the reviewers and moderators of its reviews, the board
    _row("policies:list",                   "",   _touch("northgate_review"),      SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    _row("policies:new",                    "",   _touch(NG, SP),                             SIGN_IN,  OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    _row("policies:past_review",            "",   _,                               SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    *[
        _row(name, NG, kwargs(f"{NG}_version"),                                    SIGN_IN,  OK,        OK,        OK,        OK,        OK,
             setup=lambda w: w.northgate_review)
        for name, kwargs in [
            ("policies:document", lambda v: lambda w: {"pk": getattr(w, v).document_id}),
            ("policies:version", _version),
            ("policies:version_status", _version),
            ("policies:download", _version),
        ]
    ],
    *[
        _row(name, SP, kwargs(f"{SP}_version"),                                    SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    OK,        OK,
             setup=lambda w: (w.northgate_review, w.southport_review))
        for name, kwargs in [
            ("policies:document", lambda v: lambda w: {"pk": getattr(w, v).document_id}),
            ("policies:version", _version),
            ("policies:version_status", _version),
            ("policies:download", _version),
        ]
    ],
    # Only an agency's own members upload its policies.
    _row("policies:version_new",            NG,   lambda w: {"pk": w.northgate_version.document_id},
                                                                                   SIGN_IN,  OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
         setup=lambda w: w.northgate_review),
    _row("policies:version_new",            SP,   lambda w: {"pk": w.southport_version.document_id},
                                                                                   SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    FORBIDDEN, FORBIDDEN,
         setup=lambda w: w.northgate_review),

    # Reviews: the reviewer edits their own while it is open; the moderator moderates theirs;
    # the agency reads its own once signed off; the board reads and manages all.
    _row("reviews:reviews",                 "",   _touch("northgate_review", "northgate_issued"),
                                                                                   SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    _row("reviews:review",                  f"{NG} open",   _pk("northgate_review"),
                                                                                   SIGN_IN,  HIDDEN,    OK,        OK,        OK,        OK),
    _row("reviews:review",                  f"{SP} open",   _pk("southport_review"),
                                                                                   SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    OK,        OK),
    _row("reviews:review",                  f"{NG} issued", _pk("northgate_issued"),
                                                                                   SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    _row("reviews:review",                  f"{SP} issued", _pk("southport_issued"),
                                                                                   SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    OK,        OK),
    *[
        _row(name, f"{NG} open", kwargs("northgate_review"),                       SIGN_IN,  HIDDEN,    OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN)
        for name, kwargs in [
            ("reviews:section", lambda r: lambda w: {"pk": getattr(w, r).pk, "number": 1}),
            ("reviews:outcome", _pk),
            ("reviews:check", _pk),
        ]
    ],
    *[
        _row(name, f"{SP} open", kwargs("southport_review"),                       SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    FORBIDDEN, FORBIDDEN)
        for name, kwargs in [
            ("reviews:section", lambda r: lambda w: {"pk": getattr(w, r).pk, "number": 1}),
            ("reviews:outcome", _pk),
            ("reviews:check", _pk),
        ]
    ],
    # The agency's reply: its members reply on the review's page; the reviewer answers and the
    # moderator decides on the replies page, which the board reads. A POST with no form from the
    # one person allowed is shown back as incomplete (400).
    _row("reviews:review",                  f"{NG} in reply", _pk("northgate_in_reply"),
                                                                                   SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    _row("reviews:review",                  f"{SP} in reply", _pk("southport_in_reply"),
                                                                                   SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    OK,        OK),
    _row("reviews:replies",                 f"{NG} in reply", _pk("northgate_in_reply"),
                                                                                   SIGN_IN,  FORBIDDEN, OK,        OK,        OK,        OK),
    _row("reviews:replies",                 f"{SP} in reply", _pk("southport_in_reply"),
                                                                                   SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    OK,        OK),
    *[
        row
        for name, kwargs, allowed in [
            ("reviews:finding_reply", lambda r: lambda w: {"pk": getattr(w, r).pk, "finding_pk": w.gap(getattr(w, r)).pk}, "alice"),
            ("reviews:reply_answer", lambda r: lambda w: {"pk": getattr(w, r).pk, "reply_pk": w.gap(getattr(w, r)).reply.pk}, "rita"),
            ("reviews:reply_decide", lambda r: lambda w: {"pk": getattr(w, r).pk, "reply_pk": w.gap(getattr(w, r)).reply.pk}, "mo"),
        ]
        for row in (
            _row(name, f"{NG} in reply", kwargs("northgate_in_reply"),            SIGN_IN,  NO_GET,    NO_GET,    NO_GET,    NO_GET,    NO_GET),
            _row(name, f"{NG} in reply", kwargs("northgate_in_reply"),            SIGN_IN,
                 *[INVALID if role == allowed else FORBIDDEN for role in ("alice", "rita", "mo", "charlie", "root")],
                 method="post", state=World.replies_as_they_stand),
            _row(name, f"{SP} in reply", kwargs("southport_in_reply"),            SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    FORBIDDEN, FORBIDDEN,
                 method="post", state=World.replies_as_they_stand),
        )
    ],
    # Only the agency's members say they have finished replying.
    _row("reviews:reply_finished",          f"{NG} in reply", _pk("northgate_in_reply"),
                                                                                   SIGN_IN,  NO_GET,    NO_GET,    NO_GET,    NO_GET,    NO_GET),
    _row("reviews:reply_finished",          f"{NG} in reply", _pk("northgate_in_reply"),
                                                                                   SIGN_IN,  OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
         method="post", state=World.reply_as_it_stands),
    _row("reviews:reply_finished",          f"{SP} in reply", _pk("southport_in_reply"),
                                                                                   SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    FORBIDDEN, FORBIDDEN,
         method="post", state=World.reply_as_it_stands),
    # Once signed off, nobody edits it, its own reviewer included.
    _row("reviews:section",                 f"{NG} issued", lambda w: {"pk": w.northgate_issued.pk, "number": 1},
                                                                                   SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    _row("reviews:moderate",                f"{NG} open",   _pk("northgate_review"),
                                                                                   SIGN_IN,  HIDDEN,    FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN),
    _row("reviews:moderate",                f"{SP} open",   _pk("southport_review"),
                                                                                   SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    FORBIDDEN, FORBIDDEN),
    # Self-assessments: an agency writes its own; the board, and the reviewer and moderator of the
    # agency's review, read it.
    _row("reviews:self_assessments",        "",   _touch("northgate_self_assessment", "southport_self_assessment"),
                                                                                   SIGN_IN,  OK,        OK,        OK,        OK,        OK),
    # The reviewer and moderator read it once the agency has submitted it, not its draft.
    _row("reviews:self_assessment",         f"{NG} draft", _pk("northgate_self_assessment"),
                                                                                   SIGN_IN,  OK,        HIDDEN,    HIDDEN,    OK,        OK),
    _row("reviews:self_assessment",         f"{NG} submitted", _pk("northgate_self_assessment"),
                                                                                   SIGN_IN,  OK,        OK,        OK,        OK,        OK,
         setup=lambda w: SelfAssessment.objects.filter(pk=w.northgate_self_assessment.pk).update(
             state=SelfAssessment.State.SUBMITTED, submitted_at=timezone.now())),
    _row("reviews:self_assessment",         SP,   _pk("southport_self_assessment"),
                                                                                   SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    OK,        OK),
    *[
        _row(name, NG, kwargs("northgate_self_assessment"),                        SIGN_IN,  OK,        HIDDEN,    HIDDEN,    FORBIDDEN, FORBIDDEN)
        for name, kwargs in [
            ("reviews:self_assessment_section", lambda r: lambda w: {"pk": getattr(w, r).pk, "number": 1}),
            ("reviews:self_assessment_check", _pk),
        ]
    ],
    *[
        _row(name, SP, kwargs("southport_self_assessment"),                        SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    FORBIDDEN, FORBIDDEN)
        for name, kwargs in [
            ("reviews:self_assessment_section", lambda r: lambda w: {"pk": getattr(w, r).pk, "number": 1}),
            ("reviews:self_assessment_check", _pk),
        ]
    ],
    # Submitting: nobody but a member of the agency (alice here has left it), and nothing
    # changes for anyone else.
    _row("reviews:self_assessment_check",   NG,   _pk("northgate_self_assessment"),
                                                                                   SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    FORBIDDEN, FORBIDDEN,
         method="post", setup=lambda w: Membership.objects.filter(user=w.alice).delete(),
         state=lambda w: list(SelfAssessment.objects.values("pk", "state", "lock_version"))),
    # Marking a suggestion not relevant: the reviewer of an open review only.
    _row("evidence:not_relevant",           NG,   _pk("northgate_review"),         SIGN_IN,  NO_GET,    NO_GET,    NO_GET,    NO_GET,    NO_GET),
    _row("evidence:not_relevant",           NG,   _pk("northgate_review"),         SIGN_IN,  HIDDEN,    OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN,
         method="post", state=lambda w: list(DismissedSuggestion.objects.values())),
    _row("evidence:not_relevant",           SP,   _pk("southport_review"),         SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    FORBIDDEN, FORBIDDEN,
         method="post", state=lambda w: list(DismissedSuggestion.objects.values())),
    _row("reviews:cycles",                  "",   _touch("cycle"),                 SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("reviews:cycle_new",               "",   _,                               SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("reviews:cycle",                   "",   _pk("cycle"),                    SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("reviews:cycle_assign",            "",   _pk("cycle"),                    SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("reviews:cycle_agencies_add",      "",   _pk("cycle"),                    SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("reviews:cycle_settings",          "",   _pk("cycle"),                    SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("reviews:cycle_agency_remove",     "",   lambda w: {"pk": w.cycle.pk, "agency_pk": w.northgate.pk},
                                                                                   SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("reviews:review_manage",           NG,   _pk("northgate_review"),         SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),

    # Outcomes: whoever may see the review; only the board prepares one again.
    *[
        _row(name, NG, _pk("northgate_issued"),                                    SIGN_IN,  OK,        OK,        OK,        OK,        OK)
        for name in ("outcomes:status", "outcomes:download")
    ],
    *[
        _row(name, SP, _pk("southport_issued"),                                    SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    OK,        OK)
        for name in ("outcomes:status", "outcomes:download")
    ],
    _row("outcomes:retry",                  NG,   _pk("northgate_issued"),         NO_GET,   NO_GET,    NO_GET,    NO_GET,    NO_GET,    NO_GET),
    _row("outcomes:retry",                  NG,   _pk("northgate_issued"),         SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK,
         method="post", state=lambda w: Outcome.objects.filter(review=w.northgate_issued).values().get()),
    _row("outcomes:retry",                  SP,   _pk("southport_issued"),         SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    OK,        OK,
         method="post", state=lambda w: Outcome.objects.filter(review=w.southport_issued).values().get()),

    # Actions and comparisons: the agency's own; the board sees every action.
    _row("summaries:actions",               "",   _touch("northgate_issued"),      SIGN_IN,  OK,        FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("summaries:actions_board",         "",   _touch("northgate_action"),      SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("summaries:review_actions",        NG,   _pk("northgate_issued"),         SIGN_IN,  OK,        HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    _row("summaries:review_actions",        SP,   _pk("southport_issued"),         SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    _row("summaries:action_new",            NG,   lambda w: {"finding_pk": w.gap(w.northgate_issued).pk},
                                                                                   SIGN_IN,  OK,        HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    _row("summaries:action_new",            SP,   lambda w: {"finding_pk": w.gap(w.southport_issued).pk},
                                                                                   SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    _row("summaries:action",                NG,   _pk("northgate_action"),         SIGN_IN,  OK,        HIDDEN,    HIDDEN,    OK,        OK),
    _row("summaries:action",                SP,   _pk("southport_action"),         SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    OK,        OK),
    _row("summaries:comparison_latest",     "",   _touch("northgate_issued", "southport_issued"),
                                                                                   SIGN_IN,  OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    _row("summaries:comparison",            NG,   _pk("northgate_issued"),         SIGN_IN,  OK,        HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),
    _row("summaries:comparison",            SP,   _pk("southport_issued"),         SIGN_IN,  HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN,    HIDDEN),

    # The board's figures and exports.
    _row("summaries:dashboard_index",       "",   _touch("cycle"),                 SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("summaries:dashboard",             "",   _pk("cycle"),                    SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("summaries:carry_forward",         "",   _pk("cycle"),                    NO_GET,   NO_GET,    NO_GET,    NO_GET,    NO_GET,    NO_GET),
    _row("summaries:carry_forward",         "",   _pk("cycle"),                    SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK,
         method="post", setup=lambda w: (w.northgate_issued, w.northgate_review),
         state=lambda w: list(Finding.objects.filter(review=w.northgate_review).values())),
    _row("summaries:exports",               "",   _touch("cycle"),                 SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    *[
        _row(name, "", _pk("export"),                                              SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK)
        for name in ("summaries:export", "summaries:export_status", "summaries:export_download")
    ],

    # The audit trail.
    _row("audit:events",                    "",   _,                               SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("audit:events_download",           "",   _,                               SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),

    # People and agencies: board admins; nobody changes a superuser through these pages.
    _row("people:list",                     "",   _,                               SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("people:invite",                   "",   _,                               SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("people:person",                   "person",    _pk("alice"),             SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("people:person",                   "superuser", _pk("root"),              SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    *[
        row
        for name in ("people:person_edit", "people:roles", "people:membership_add", "people:deactivate")
        for row in (
            _row(name, "person",    _pk("alice"),                                  SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
            _row(name, "superuser", _pk("root"),                                   SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        )
    ],
    _row("people:membership_end",           "person",    lambda w: {"pk": w.alice.pk, "membership_pk": w.alice.memberships.get().pk},
                                                                                   SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("people:membership_end",           "superuser", lambda w: {"pk": w.root.pk, "membership_pk": w.root_membership.pk},
                                                                                   SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    _row("people:reactivate",               "person",    _pk("deactivated"),       NO_GET,   NO_GET,    NO_GET,    NO_GET,    NO_GET,    NO_GET),
    _row("people:reactivate",               "person",    _pk("deactivated"),       SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK,
         method="post", state=_fresh(User, lambda w: w.deactivated)),
    _row("people:reactivate",               "superuser", _pk("root"),              SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
         method="post", state=_fresh(User, lambda w: w.root)),
    _row("people:invitation_resend",        "person",    _pk("invited"),           NO_GET,   NO_GET,    NO_GET,    NO_GET,    NO_GET,    NO_GET),
    _row("people:invitation_resend",        "person",    _pk("invited"),           SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK,
         method="post", state=lambda w: list(w.invited.invitations.values())),
    _row("people:invitation_resend",        "superuser", _pk("root"),              SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
         method="post", state=lambda w: list(w.root.invitations.values())),
    _row("people:agencies",                 "",   _touch("northgate"),             SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("people:agency_new",               "",   _,                               SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),
    _row("people:agency_edit",              "",   _pk("northgate"),                SIGN_IN,  FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,        OK),

    # The Django admin's own sign-in page goes to the service's, with its second factor.
    _row("admin/login/",                    "",   _,                               SIGN_IN,  SIGN_IN,   SIGN_IN,   SIGN_IN,   SIGN_IN,   SIGN_IN),
]
# fmt: on


# The Django admin: the service's technical tool, for superusers only. Every one of its URLs is
# refused to everyone else signed in, and sends anyone not signed in to sign in.
ADMIN_ROOT = {
    # The admin's sign-in page is the service's sign-in page (a redirect in config/urls.py).
    "admin:login": SIGN_IN,
    # Signing out takes a POST; anyone not signed in is sent to the admin's front page.
    "admin:logout": NO_GET,
    # A person has no page of their own on the site to view.
    "admin:view_on_site": ABSENT,
    # An admin URL that matches nothing.
    "admin/(?P<url>.*)$": ABSENT,
    # Access attempts are recorded by the sign-in throttle, never typed in.
    "admin:axes_accessattempt_add": NOBODY,
    "admin:axes_accesslog_add": NOBODY,
    "admin:axes_accessfailurelog_add": NOBODY,
    # Policies are uploaded by agencies through the app, where they are checked; never removed.
    "admin:policies_policydocument_add": NOBODY,
    "admin:policies_policydocument_delete": NOBODY,
    "admin:policies_policyversion_add": NOBODY,
    "admin:policies_policyversion_delete": NOBODY,
}
ADMIN_ANONYMOUS = {"admin:logout": OK}
# The admin's search for a person to add to an agency.
ADMIN_DATA = {
    "admin:autocomplete": {
        "app_label": "policies",
        "model_name": "membership",
        "field_name": "user",
        "term": "alice",
    }
}
ADMIN_OBJECTS = {
    "accounts.user": lambda w: w.alice,
    "auth.group": lambda w: Group.objects.create(name="Access check"),
    "policies.agency": lambda w: w.northgate,
    "policies.policydocument": lambda w: w.northgate_version.document,
    "policies.policyversion": lambda w: w.northgate_version,
    "otp_totp.totpdevice": lambda w: w.totp_device,
    "otp_static.staticdevice": lambda w: StaticDevice.objects.create(user=w.alice, name="Codes"),
}


def _admin_kwargs(pattern: URLPattern, model_key: str | None) -> Callable[[World], dict]:
    names = set(pattern.pattern.regex.groupindex)

    def kwargs(w):
        values = {}
        if model_key is not None and ({"object_id", "id", "pk"} & names):
            factory = ADMIN_OBJECTS.get(model_key)
            obj = factory(w) if factory else None
            for name in {"object_id", "id", "pk"} & names:
                values[name] = str(obj.pk) if obj is not None else "1"
        if "content_type_id" in names:
            values["content_type_id"] = str(ContentType.objects.get_for_model(User).pk)
            values["object_id"] = str(w.alice.pk)
        if "app_label" in names:
            values["app_label"] = "policies"
        if "url" in names:
            values["url"] = "nothing-here/"
        return values

    return kwargs


def _admin_model_key(key: str) -> str | None:
    for model in admin_site._registry:
        meta = model._meta
        if f"admin/{meta.app_label}/{meta.model_name}/" in key or (
            key.startswith(f"admin:{meta.app_label}_{meta.model_name}_")
        ):
            return f"{meta.app_label}.{meta.model_name}"
    if key == "admin:auth_user_password_change":
        return "accounts.user"
    return None


def _admin_row(key: str, pattern: URLPattern) -> Row:
    kwargs = _admin_kwargs(pattern, _admin_model_key(key))
    root = ADMIN_ROOT.get(key, OK)
    if root == SIGN_IN:
        return _row(key, "", kwargs, *[SIGN_IN] * len(ROLES))
    return _row(
        key,
        "",
        kwargs,
        ADMIN_ANONYMOUS.get(key, SIGN_IN),
        *[FORBIDDEN] * 4,
        root,
        data=ADMIN_DATA.get(key, {}),
    )


def _url(key: str, route: str, kwargs: dict) -> str:
    if key != route:
        return reverse(key, kwargs=kwargs)
    # A pattern without a name: its route, filled in.
    if "(?P<url>" in route:
        return f"/{route.split('(?P<url>')[0]}{kwargs['url']}"
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: kwargs[match.group(1)], route)


# Every URL pattern of the service


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            route = prefix + str(pattern.pattern)
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route, pattern


PATTERNS = list(_walk(get_resolver().url_patterns))
ROWS: dict[str, list[Row]] = {}
for _row_ in TABLE:
    ROWS.setdefault(_row_.key, []).append(_row_)
for _key, _route, _pattern in PATTERNS:
    if _route.startswith("admin/") and _key not in ROWS:
        ROWS[_key] = [_admin_row(_key, _pattern)]


def _cases():
    seen = set()
    for key, route, _ in PATTERNS:
        if key in seen:
            continue
        seen.add(key)
        rows = ROWS.get(key)
        for row in rows or [None]:
            for role in ROLES:
                label = f"{row.method.upper()} {key}" if row else key
                label += f" [{row.variant}]" if row and row.variant else ""
                yield pytest.param(key, route, row, role, id=f"{label} as {role}")


# The check


@pytest.fixture(autouse=True)
def _organisation_sign_in(settings, monkeypatch):
    """Sign-in with an organisation's account switched on, with a provider that is never
    called: only what the service does before it would be."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "policy-review"
    settings.OIDC_DISCOVERY_URL = "https://provider.invalid/.well-known/openid-configuration"
    monkeypatch.setattr(
        "accounts.oidc.provider_configuration",
        lambda: {
            "issuer": "https://provider.invalid",
            "authorization_endpoint": "https://provider.invalid/authorize",
            "token_endpoint": "https://provider.invalid/token",
            "jwks_uri": "https://provider.invalid/jwks",
        },
    )


def outcome_of(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307):
        path = urlsplit(response["Location"]).path
        return SIGN_IN if path in (reverse("login"), reverse("admin:login")) else OK
    return {200: OK, 403: FORBIDDEN, 404: HIDDEN, 405: NO_GET, 400: INVALID}.get(status, status)


def _same_status(got: str, expected: str) -> bool:
    """ABSENT and NOBODY are told apart from HIDDEN and FORBIDDEN by the audit trail alone."""
    return got == {ABSENT: HIDDEN, NOBODY: FORBIDDEN}.get(expected, expected)


def _audit_snapshot() -> tuple[int, int]:
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last, len(mail.outbox)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "route", "row", "role"), list(_cases()))
def test_each_person_gets_only_what_the_access_rules_say(key, route, row, role):
    assert row is not None, f"new URL without an access rule: {key} ({route})"
    world = World()
    if row.setup:
        row.setup(world)
    url = _url(key, route, row.kwargs(world))
    person = world.person(role)
    client = Client()
    if person is not None:
        client.force_login(person)
    before = row.state(world) if row.state else None
    last_event, mails = _audit_snapshot()

    response = getattr(client, row.method)(url, row.data)

    expected = row.expected[role]
    got = outcome_of(response)
    assert _same_status(got, expected), f"{row.method.upper()} {url} as {role}: {got}"
    new_events = AuditEvent.objects.filter(pk__gt=last_event)
    refusals = new_events.filter(action__in=REFUSALS, actor=person)
    if person is not None and expected in (FORBIDDEN, HIDDEN):
        assert refusals.exists(), f"{url} refused {role} without an audit event"
    if expected == OK:
        assert not refusals.exists(), f"{url} allowed {role} but recorded a refusal"
    refused = expected in (FORBIDDEN, HIDDEN) or (person is None and expected == SIGN_IN)
    if row.method == "post" and refused:
        # Nothing was done: no change written to the trail, no email sent, the record as it was.
        done = new_events.exclude(action__in=REFUSALS)
        assert not done.exists(), [event.action for event in done]
        assert len(mail.outbox) == mails
        if row.state:
            assert row.state(world) == before


def test_the_table_names_only_urls_the_service_has():
    keys = {key for key, _, _ in PATTERNS}
    stale = sorted({row.key for row in TABLE} - keys)
    assert not stale, f"access rules for URLs that no longer exist: {stale}"


def test_every_post_only_url_is_tried_with_post():
    """Each URL that refuses GET has a POST row, so its refusal to the wrong people is checked."""
    no_get = {row.key for rows in ROWS.values() for row in rows if NO_GET in row.expected.values()}
    posted = {row.key for rows in ROWS.values() for row in rows if row.method == "post"}
    assert no_get - {"admin:logout"} <= posted


@pytest.mark.django_db
def test_a_superuser_cannot_upload_a_policy_for_an_agency(northgate):
    """Django gives a superuser every permission; uploading is for an agency's own members."""
    root = UserFactory(email="root@board.test", is_superuser=True, is_board_admin=True)
    client = Client()
    client.force_login(root)
    pdf = ContentFile(b"%PDF-1.7 not checked", name="policy.pdf")
    response = client.post(
        reverse("policies:new"), {"agency": northgate.pk, "title": "Policy", "file": pdf}
    )
    assert response.status_code == 403
    assert not PolicyDocument.objects.exists()
    assert AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_REFUSED).actor == root
