"""`{% film_panel_state entry as panel %}`: what the entry page needs to show the film and the upload form."""

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from media_pipeline import selectors, services, viewing
from media_pipeline.problems import render as render_problem
from media_pipeline.status import status_context

register = template.Library()


def _strings() -> dict:
    """Texts for static/js/upload.js, translated here so that the .po files hold them."""
    return {
        "tooBig": _("This file is %(size)s; the contest accepts files up to %(limit)s. Export a smaller file."),
        "empty": _("This file is empty."),
        "notVideo": _("This file is not a video. Choose the exported film (MP4, MOV, MKV…)."),
        "uploading": _("Uploading…"),
        "paused": _("Paused. Press Resume to continue where it stopped."),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "retry": _("Try again"),
        "cancelled": _("Upload cancelled."),
        "finishing": _("Joining the parts…"),
        "failed": _("The upload stopped: %(reason)s Press “Try again”: it continues where it stopped."),
        "sessionEnded": _("Your session has ended or this upload is no longer yours. Reload the page and log in."),
        "resumeOffer": _(
            "An upload of “%(name)s” (%(size)s) did not finish. Choose the same file again to continue where it "
            "stopped, or discard it."
        ),
        "resuming": _("Continuing the unfinished upload of “%(name)s”."),
        "received": _("Received, being checked."),
        "timeLeft": _("%(time)s left"),
        "speed": _("%(speed)s/s"),
    }


def _sizes() -> dict:
    """The words of Django's filesizeformat in the active language, so that upload.js says a size as the server does
    ("43,8 Mio" in French). The byte counts for 0, 1 and 2 cover the plural rules of French (n > 1) and English
    (n != 1)."""
    return {
        "zero": ngettext("%(size)d byte", "%(size)d bytes", 0),
        "one": ngettext("%(size)d byte", "%(size)d bytes", 1),
        "many": ngettext("%(size)d byte", "%(size)d bytes", 2),
        "KB": _("%s KB"),
        "MB": _("%s MB"),
        "GB": _("%s GB"),
        "TB": _("%s TB"),
        "PB": _("%s PB"),
        "decimal": formats.get_format("DECIMAL_SEPARATOR"),
    }


@register.simple_tag
def film_panel_state(entry) -> dict:
    approval, locked = None, False
    try:
        services.check_uploads_allowed(entry=entry, now=timezone.now())
        approval = services.check_replacement_allowed(entry=entry)
    except services.UploadError as error:
        can_upload, refusal, locked = False, str(error.message), error.code == "replacement_locked"
    else:
        can_upload, refusal = True, ""
    kwargs = {"contest_slug": entry.contest.slug, "public_id": entry.public_id}
    create_url = reverse("media_pipeline:upload_create", kwargs=kwargs)
    return {
        "film": selectors.entry_films(entry).film,
        "can_upload": can_upload,
        "refusal": refusal,
        "locked": locked,
        "approval": approval,
        "request": entry.replacement_requests.first(),
        "config": {
            "createUrl": create_url,
            "entry": str(entry.public_id),
            "maxFileSize": entry.contest.max_file_size_bytes,
            "minPartSize": services.MIN_PART_SIZE,
            "maxParts": services.MAX_PARTS,
            "videoExtensions": sorted(services.VIDEO_EXTENSIONS),
            "openUploads": [
                {
                    "uploadId": str(upload.public_id),
                    "key": upload.key,
                    "name": upload.original_name,
                    "size": upload.declared_size,
                }
                for upload in selectors.open_uploads(entry)
            ],
            "strings": _strings(),
            "sizes": _sizes(),
        },
    }


@register.filter
def problem_message(stored: dict) -> str:
    """A stored problem or warning ({code, params, message}) said in the active language."""
    return render_problem(stored)


@register.simple_tag
def film_status(entry) -> dict:
    """What the live status part of the film panel shows; see media_pipeline/status.py."""
    return status_context(entry)


@register.simple_tag
def replacement_requests(entry) -> list:
    """The entry's requests to replace a locked film, newest first, for the organiser's entry page."""
    return list(entry.replacement_requests.select_related("requested_by", "decided_by")[:10])


@register.simple_tag
def screener_viewings(entry) -> list:
    """Every viewing session of the entry's films, newest first, with what the server delivered to each (for
    organisers: who watched a restricted film, when and how much)."""
    return viewing.watching(entry.films.all())
