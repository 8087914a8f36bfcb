"""ST17x: rights handling, complaints and identity verification (RULES.md §7, §12, SEED-30)."""

from __future__ import annotations

from collections.abc import Iterator

from steward.law.deadlines import COMPLAINTS_DUTY_FROM
from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.manifest.vocabulary import SupervisoryAuthority, VerificationMethod


def _complaints_duty_in_force(ctx: LintContext) -> bool:
    """DPA 2018 s.164A applies to a complaint received on the lint date (RULES.md R7.1)."""
    return ctx.on >= COMPLAINTS_DUTY_FROM


@rule(
    "ST170",
    "complaints-to-controller-missing",
    Severity.error,
    summary="No way to complain to the organisation itself is declared.",
    why="Since 19 June 2026 people may complain to the controller, which must facilitate "
    "complaints (e.g. an electronic complaint form) and acknowledge them within 30 days; the "
    "notice should say how.",
    fix="add 'rights.complaints: {form_url: ..., email: ..., post: true}'",
    citation="DPA 2018 s.164A (DUAA s.103); RULES.md R7.1, N-extra-1",
    covers=("N-extra-1", "SEED-16"),
)
def complaints_to_controller_missing(ctx: LintContext) -> Iterator[Issue]:
    if ctx.manifest.rights.complaints is None and _complaints_duty_in_force(ctx):
        yield Issue(
            ("rights", "complaints"), "the manifest declares no way to complain to the organisation"
        )


@rule(
    "ST171",
    "complaints-not-electronic",
    Severity.error,
    summary="Complaints can be made only on paper.",
    why="The controller must facilitate complaints, e.g. by a form that can be completed "
    "electronically and by other means.",
    fix="add 'rights.complaints.form_url' (an online form) or 'rights.complaints.email'",
    citation="DPA 2018 s.164A(2)",
    covers=("N-extra-1", "SEED-16"),
)
def complaints_not_electronic(ctx: LintContext) -> Iterator[Issue]:
    complaints = ctx.manifest.rights.complaints
    if complaints is not None and not (complaints.form_url or complaints.email):
        yield Issue(("rights", "complaints"), "complaints cannot be made electronically")


@rule(
    "ST172",
    "blanket-identity-documents",
    Severity.error,
    summary="Every request must come with an identity document.",
    why="ID may be asked for only where there is reasonable doubt, and only what resolves it; "
    "a blanket passport requirement is disproportionate.",
    fix="set 'rights.verification.always_require_id_document: false' and prefer known_channel "
    "or email_code",
    citation="UK GDPR Arts 11, 12(2), 12(6); RULES.md §12",
    covers=(),
)
def blanket_identity_documents(ctx: LintContext) -> Iterator[Issue]:
    verification = ctx.manifest.rights.verification
    if verification is None:
        return
    if verification.always_require_id_document:
        yield Issue(
            ("rights", "verification", "always_require_id_document"),
            "every request must come with an identity document",
        )
    elif verification.method is VerificationMethod.id_document:
        yield Issue(
            ("rights", "verification", "method"),
            "identity documents are the default verification method",
            severity=Severity.warning,
        )


@rule(
    "ST173",
    "supervisory-authority-name",
    Severity.warning,
    summary="The ICO is named after the Information Commission replaced it (either is accepted "
    "before then).",
    why="The DUAA replaces the ICO with the Information Commission when s.119 commences (date "
    "UNCONFIRMED; set LintOptions.information_commission_from when it is known).",
    fix="set 'organisation.supervisory_authority' to the body in existence on the date",
    citation="DUAA 2025 ss.117-119; RULES.md SEED-30",
    covers=("SEED-30",),
)
def supervisory_authority_name(ctx: LintContext) -> Iterator[Issue]:
    commenced = ctx.options.information_commission_from
    named = ctx.manifest.organisation.supervisory_authority
    if commenced is not None and ctx.on >= commenced and named is SupervisoryAuthority.ico:
        yield Issue(
            ("organisation", "supervisory_authority"),
            f"names the ICO, which became the Information Commission on {commenced.isoformat()}",
        )
