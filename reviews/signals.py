"""What the review lifecycle tells other parts of the service, which connect to it in their
app's ready(): the reviews app never imports the apps built on it."""

from django.dispatch import Signal

# The findings are final (signed off with no reply window, or the reply has ended): sent with
# `review` inside the transaction that made them final, so what is taken from them is exactly
# what was signed off. The outcomes app prepares the outcome.
review_ready_for_outcome = Signal()

# The agency's reply window has opened: sent with `review` inside the sign-off's transaction.
reply_window_opened = Signal()

# A reviewer saved answers: sent with `review`, `findings` (as saved) and `by` inside the save's
# transaction. The evidence app keeps each quote as accepted evidence.
findings_saved = Signal()
