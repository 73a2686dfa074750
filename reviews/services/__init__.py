from .assignment import (
    conflict_of_interest,
    review_assign,
    review_assign_many,
    review_reassign,
)
from .frameworks import (
    FRAMEWORKS_DIR,
    FrameworkFileError,
    LoadResult,
    framework_load,
    frameworks_load_all,
)
from .guards import EditConflict, TransitionRefused
from .lifecycle import (
    MODERATOR_ATTESTATION,
    REVIEWER_ATTESTATION,
    review_issue_outcome,
    review_reply_close,
    review_return,
    review_sign_off,
    review_submit,
    review_withdraw,
)
from .replies import (
    reply_amendment_confirm,
    reply_amendment_reject,
    reply_answer,
    reply_finish,
    reply_save,
)
from .reply_window import reply_windows_close_due
from .reviews import (
    RecommendationInput,
    review_problems,
    review_save_findings,
    review_save_outcome,
    suggested_outcome,
)

__all__ = [
    "FRAMEWORKS_DIR",
    "MODERATOR_ATTESTATION",
    "REVIEWER_ATTESTATION",
    "EditConflict",
    "FrameworkFileError",
    "LoadResult",
    "RecommendationInput",
    "TransitionRefused",
    "conflict_of_interest",
    "framework_load",
    "frameworks_load_all",
    "reply_amendment_confirm",
    "reply_amendment_reject",
    "reply_answer",
    "reply_finish",
    "reply_save",
    "reply_windows_close_due",
    "review_assign",
    "review_assign_many",
    "review_issue_outcome",
    "review_problems",
    "review_reassign",
    "review_reply_close",
    "review_return",
    "review_save_findings",
    "review_save_outcome",
    "review_sign_off",
    "review_submit",
    "review_withdraw",
    "suggested_outcome",
]
