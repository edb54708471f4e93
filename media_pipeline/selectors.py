"""Read queries about uploads and films, shared by views, tasks and the media pipeline."""

from django.http import Http404

from contest import permissions
from contest.models import Contest, Entry

from . import storage
from .models import Film, Upload


def current_film(entry: Entry) -> Film | None:
    """The entry's film: the latest completed upload (older ones are kept as records, their files deleted)."""
    return Film.objects.filter(entry=entry, replaced_at__isnull=True).select_related("uploaded_by").first()


def open_uploads(entry: Entry) -> list[Upload]:
    """Uploads of `entry` that the team may still resume, newest first."""
    return list(Upload.objects.filter(entry=entry, state=Upload.State.OPEN).order_by("-created_at"))


def get_team_upload_or_404(user, contest: Contest, public_id, upload_id) -> Upload:
    """An upload of an entry of the user's own team. Anything else (another team's upload, a mistyped id) is 404."""
    entry = permissions.get_team_entry_or_404(user, contest, public_id)
    upload = Upload.objects.filter(entry=entry, public_id=upload_id).select_related("entry__team__contest").first()
    if upload is None:
        raise Http404
    return upload


def uploaded_parts(upload: Upload) -> list[storage.StoredPart]:
    """The parts storage already holds for an open upload, to resume without sending them again.
    Raises storage.StorageRefusal("no_such_upload") when storage no longer knows the upload."""
    return storage.list_parts(upload=upload)
