"""What the media pipeline announces to the apps above it, which subscribe in their AppConfig.ready() (the
pipeline never imports them: layers go one way)."""

from django.dispatch import Signal

# Sent after commit once an upload completed and its film is recorded, before its checks are queued. Argument: film.
film_received = Signal()
