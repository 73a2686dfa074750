"""What the policies app tells the apps above it, which it may not import."""

from django.dispatch import Signal

# Sent once a version's text is committed as ready, with version_id; the evidence finder
# prepares its suggestions from it.
version_text_ready = Signal()
