"""The organisers' release tools: the calendar, the preview, one entry's release (its steps and share links) and the
community list. Each action posts to its own URL and view; the pages themselves answer GET only."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST, require_safe

from accounts.actions import perform
from accounts.request_body import posted_id
from contest.models import EVENT_LABELS, AuditEvent, Contest
from contest.permissions import organiser_contest_or_404
from judging.selectors import blind_rounds_in_progress

from . import release_templates, selectors, services
from .forms import (
    ApplyTemplateForm,
    CommunityMemberForm,
    PreviewForm,
    ReleaseCreateForm,
    ShareLinkForm,
    StepForm,
    TemplateDeleteForm,
    TemplateForm,
    TemplateStepForm,
)
from .models import Release, ReleaseStep, ReleaseTemplate, ReleaseTemplateStep, ShareLink
from .permissions import preview_viewer
from .views import release_surface

RELEASE_VERBS = [
    verb for verb in EVENT_LABELS if verb.startswith(("release_", "film_approval", "share_link", "team_name"))
]


def _calendar_page(request, contest, *, form=None):
    return render(
        request,
        "releases/organiser_calendar.html",
        {
            "contest": contest,
            "steps": selectors.with_step_states(selectors.contest_calendar(contest), at=timezone.now()),
            "releases": Release.objects.filter(contest=contest).select_related("entry").order_by("entry__title"),
            "form": form or ReleaseCreateForm(contest=contest, chosen=request.GET.get("entry", "")[:36]),
            "now": timezone.now(),
        },
    )


@login_required
@release_surface
@require_safe
def organiser_calendar(request, contest_slug):
    return _calendar_page(request, organiser_contest_or_404(request.user, contest_slug))


@login_required
@release_surface
@require_POST
def organiser_release_create(request, contest_slug):
    """Prepare the release of a submitted entry (with no steps yet) and open its page."""
    contest = organiser_contest_or_404(request.user, contest_slug)
    form = ReleaseCreateForm(request.POST, contest=contest)
    return perform(
        request,
        lambda: services.ensure_release(entry=form.cleaned_data["entry"], by=request.user),
        form=form,
        success=None,
        redirect_to=lambda release: _back_to_release(contest, release),
        page=lambda: _calendar_page(request, contest, form=form),
    )


@login_required
@release_surface
def organiser_preview(request, contest_slug):
    """What an audience sees at a given second, computed by the same rule as the real pages."""
    contest = organiser_contest_or_404(request.user, contest_slug)
    form = PreviewForm(request.GET or None)
    items = None
    if form.is_valid():
        items = selectors.shown_releases(
            preview_viewer(form.cleaned_data["audience"]), contest=contest, at=form.cleaned_data["at"]
        )
    return render(request, "releases/organiser_preview.html", {"contest": contest, "form": form, "items": items})


# One entry's release


def _organiser_release(request, contest_slug, public_id) -> tuple[Contest, Release]:
    contest = organiser_contest_or_404(request.user, contest_slug)
    return contest, selectors.organiser_release_or_404(contest, public_id)


def _release_page(request, contest, release, *, step_form=None, link_form=None, template_form=None, new_link=""):
    now = timezone.now()
    return render(
        request,
        "releases/organiser_release.html",
        {
            "contest": contest,
            "release": release,
            "steps": selectors.with_step_states(
                list(release.steps.select_related("created_by", "approved_by").order_by("at", "id")), at=now
            ),
            "links": release.share_links.all(),
            "step_form": step_form or StepForm(prefix="step"),
            "link_form": link_form or ShareLinkForm(prefix="link"),
            "template_form": template_form or ApplyTemplateForm(prefix="template", contest=contest),
            "new_link": new_link,
            "blind_round": blind_rounds_in_progress([release.entry_id], at=now).get(release.entry_id),
            "events": AuditEvent.objects.filter(entry=release.entry, verb__in=RELEASE_VERBS).select_related("actor")[
                :100
            ],
            "now": now,
        },
    )


def _back_to_release(contest, release):
    return redirect("releases:organiser_release", contest_slug=contest.slug, public_id=release.entry.public_id)


@login_required
@release_surface
@require_safe
def organiser_release(request, contest_slug, public_id):
    contest, release = _organiser_release(request, contest_slug, public_id)
    return _release_page(request, contest, release)


@login_required
@release_surface
@require_POST
def add_step(request, contest_slug, public_id):
    contest, release = _organiser_release(request, contest_slug, public_id)
    step_form = StepForm(request.POST, prefix="step")
    return perform(
        request,
        lambda: services.add_step(release=release, by=request.user, **step_form.cleaned_data),
        form=step_form,
        success=_("Step added."),
        redirect_to=_back_to_release(contest, release),
        page=lambda: _release_page(request, contest, release, step_form=step_form),
    )


@login_required
@release_surface
@require_POST
def apply_template(request, contest_slug, public_id):
    contest, release = _organiser_release(request, contest_slug, public_id)
    form = ApplyTemplateForm(request.POST, prefix="template", contest=contest)
    return perform(
        request,
        lambda: release_templates.apply_template(
            release=release, template=form.cleaned_data["template"], start=form.cleaned_data["start"], by=request.user
        ),
        form=form,
        success=lambda steps: (
            ngettext("%(count)d step added from the template.", "%(count)d steps added from the template.", len(steps))
            % {"count": len(steps)}
        ),
        redirect_to=_back_to_release(contest, release),
        page=lambda: _release_page(request, contest, release, template_form=form),
    )


@login_required
@release_surface
@require_POST
def cancel_step(request, contest_slug, public_id):
    contest, release = _organiser_release(request, contest_slug, public_id)
    step = get_object_or_404(ReleaseStep, release=release, pk=posted_id(request.POST, "step"))
    return perform(
        request,
        lambda: services.cancel_step(step=step, by=request.user),
        success=_("Step cancelled."),
        redirect_to=_back_to_release(contest, release),
        page=lambda: _release_page(request, contest, release),
    )


@login_required
@release_surface
@require_GET
def organiser_release_unpublish_confirm(request, contest_slug, public_id):
    """What unpublishing will do, with the one button that posts to unpublish_release."""
    contest, release = _organiser_release(request, contest_slug, public_id)
    later = release.steps.filter(cancelled_at__isnull=True, at__gt=timezone.now()).count()
    return render(
        request,
        "releases/unpublish_confirm.html",
        {"contest": contest, "release": release, "entry": release.entry, "later_steps": later},
    )


@login_required
@release_surface
@require_POST
def unpublish_release(request, contest_slug, public_id):
    contest, release = _organiser_release(request, contest_slug, public_id)
    return perform(
        request,
        lambda: services.unpublish_release(release=release, by=request.user),
        success=_("Unpublished: from now on only organisers see this entry."),
        redirect_to=_back_to_release(contest, release),
        page=lambda: _release_page(request, contest, release),
    )


@login_required
@release_surface
@require_POST
def create_share_link(request, contest_slug, public_id):
    """Creates the link and shows the release page with its URL, once: only its hash is kept."""
    contest, release = _organiser_release(request, contest_slug, public_id)
    link_form = ShareLinkForm(request.POST, prefix="link")
    return perform(
        request,
        lambda: services.create_share_link(release=release, by=request.user, **link_form.cleaned_data),
        form=link_form,
        success=None,
        redirect_to=lambda created: _release_page(
            request,
            contest,
            release,
            new_link=settings.SITE_URL + reverse("releases:share", kwargs={"token": created[1]}),
        ),
        page=lambda: _release_page(request, contest, release, link_form=link_form),
    )


@login_required
@release_surface
@require_GET
def organiser_share_link_revoke_confirm(request, contest_slug, public_id, link_id):
    """What revoking a share link will do, with the one button that posts to revoke_share_link."""
    contest, release = _organiser_release(request, contest_slug, public_id)
    link = get_object_or_404(ShareLink, release=release, pk=link_id, revoked_at__isnull=True)
    return render(
        request,
        "releases/share_link_revoke_confirm.html",
        {"contest": contest, "release": release, "entry": release.entry, "link": link},
    )


@login_required
@release_surface
@require_POST
def revoke_share_link(request, contest_slug, public_id):
    contest, release = _organiser_release(request, contest_slug, public_id)
    link = get_object_or_404(ShareLink, release=release, pk=posted_id(request.POST, "link"))
    return perform(
        request,
        lambda: services.revoke_share_link(link=link, by=request.user),
        success=_("The link is revoked."),
        redirect_to=_back_to_release(contest, release),
        page=lambda: _release_page(request, contest, release),
    )


# The community (people invited to see what is shown to the community)


def _community_page(request, contest, *, form=None):
    return render(
        request,
        "releases/organiser_community.html",
        {"contest": contest, "form": form or CommunityMemberForm(), "members": contest.community_members.all()},
    )


@login_required
@release_surface
@require_safe
def organiser_community(request, contest_slug):
    return _community_page(request, organiser_contest_or_404(request.user, contest_slug))


@login_required
@release_surface
@require_POST
def invite_community_members(request, contest_slug):
    contest = organiser_contest_or_404(request.user, contest_slug)
    form = CommunityMemberForm(request.POST)
    return perform(
        request,
        lambda: [
            services.add_community_member(contest=contest, email=email, by=request.user)
            for email in form.cleaned_data["emails"]
        ],
        form=form,
        success=lambda invited: _("Invited: %(count)d.") % {"count": len(invited)},
        redirect_to=redirect("releases:organiser_community", contest_slug=contest.slug),
        page=lambda: _community_page(request, contest, form=form),
    )


@login_required
@release_surface
@require_POST
def remove_community_member(request, contest_slug):
    contest = organiser_contest_or_404(request.user, contest_slug)
    member = get_object_or_404(contest.community_members, pk=posted_id(request.POST, "member"))
    services.remove_community_member(member=member, by=request.user)
    return redirect("releases:organiser_community", contest_slug=contest.slug)


# Release templates


def _templates_page(request, contest, *, form=None):
    return render(
        request,
        "releases/organiser_templates.html",
        {
            "contest": contest,
            "templates": contest.release_templates.prefetch_related("steps"),
            "form": form or TemplateForm(),
        },
    )


@login_required
@release_surface
@require_safe
def organiser_templates(request, contest_slug):
    return _templates_page(request, organiser_contest_or_404(request.user, contest_slug))


@login_required
@release_surface
@require_POST
def create_template(request, contest_slug):
    contest = organiser_contest_or_404(request.user, contest_slug)
    form = TemplateForm(request.POST)
    return perform(
        request,
        lambda: release_templates.create_template(contest=contest, name=form.cleaned_data["name"], by=request.user),
        form=form,
        success=_("Template created: add its steps."),
        redirect_to=lambda template: _back_to_template(contest, template),
        page=lambda: _templates_page(request, contest, form=form),
    )


def _organiser_template(request, contest_slug, template_id) -> tuple[Contest, ReleaseTemplate]:
    contest = organiser_contest_or_404(request.user, contest_slug)
    return contest, get_object_or_404(ReleaseTemplate, contest=contest, pk=template_id)


def _template_page(request, contest, template, *, step_form=None, delete_form=None):
    return render(
        request,
        "releases/organiser_template.html",
        {
            "contest": contest,
            "template": template,
            "steps": template.steps.all(),
            "step_form": step_form or TemplateStepForm(),
            "delete_form": delete_form or TemplateDeleteForm(),
        },
    )


def _back_to_template(contest, template):
    return redirect("releases:organiser_template", contest_slug=contest.slug, template_id=template.pk)


@login_required
@release_surface
@require_safe
def organiser_template(request, contest_slug, template_id):
    contest, template = _organiser_template(request, contest_slug, template_id)
    return _template_page(request, contest, template)


@login_required
@release_surface
@require_POST
def add_template_step(request, contest_slug, template_id):
    contest, template = _organiser_template(request, contest_slug, template_id)
    form = TemplateStepForm(request.POST)
    return perform(
        request,
        lambda: release_templates.add_template_step(template=template, by=request.user, **form.cleaned_data),
        form=form,
        success=_("Step added to the template."),
        redirect_to=_back_to_template(contest, template),
        page=lambda: _template_page(request, contest, template, step_form=form),
    )


@login_required
@release_surface
@require_POST
def remove_template_step(request, contest_slug, template_id):
    contest, template = _organiser_template(request, contest_slug, template_id)
    step = get_object_or_404(ReleaseTemplateStep, template=template, pk=posted_id(request.POST, "step"))
    return perform(
        request,
        lambda: release_templates.remove_template_step(step=step, by=request.user),
        success=_("Step removed from the template."),
        redirect_to=_back_to_template(contest, template),
    )


@login_required
@release_surface
@require_POST
def delete_template(request, contest_slug, template_id):
    contest, template = _organiser_template(request, contest_slug, template_id)
    form = TemplateDeleteForm(request.POST)
    return perform(
        request,
        lambda: release_templates.delete_template(template=template, by=request.user),
        form=form,
        success=_("Template deleted."),
        redirect_to=redirect("releases:organiser_templates", contest_slug=contest.slug),
        page=lambda: _template_page(request, contest, template, delete_form=form),
    )
