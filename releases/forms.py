"""Forms for organiser and team release pages. Times are read in the contest's time zone (contest.middleware)."""

import re
import uuid

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from accounts.text import MultiLineField, SingleLineField
from contest.models import Entry

from .models import STEP_AUDIENCES, Audience, ReleaseTemplate, Target


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M:%S", **kwargs)


def _datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=LocalDateTimeInput(attrs={"step": "1"}),
        input_formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"],
        **kwargs,
    )


class StepForm(forms.Form):
    target = forms.ChoiceField(label=_("What"), choices=Target.choices, widget=forms.RadioSelect)
    audiences = forms.MultipleChoiceField(
        label=_("Shown to (organisers always see everything)"),
        choices=[(audience.value, audience.label) for audience in Audience if audience.value in STEP_AUDIENCES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave every box empty to show it to organisers only."),
    )
    at = _datetime_field(_("From (contest time)"))


class ReleaseCreateForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Entry"), queryset=Entry.objects.none())

    def __init__(self, *args, contest, chosen: str = "", **kwargs):
        """`chosen`: the public id of the entry to offer first (the awards page's link to schedule an announcement)."""
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = Entry.objects.filter(
            contest=contest, status=Entry.Status.SUBMITTED, release__isnull=True
        ).order_by("title")
        try:
            public_id = uuid.UUID(chosen)
        except ValueError:
            return
        self.initial["entry"] = self.fields["entry"].queryset.filter(public_id=public_id).first()


class ShareLinkForm(forms.Form):
    label = SingleLineField(label=_("For whom (e.g. the newspaper's name)"), max_length=120)
    expires_at = _datetime_field(_("Expires (contest time)"))
    max_views = forms.IntegerField(label=_("Maximum number of views (optional)"), min_value=1, required=False)


class CommunityMemberForm(forms.Form):
    emails = MultiLineField(
        label=_("Email addresses"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One or more, separated by spaces, commas or new lines."),
    )

    def clean_emails(self) -> list[str]:
        emails = [value.strip().lower() for value in re.split(r"[\s,;]+", self.cleaned_data["emails"]) if value.strip()]
        wrong = [value for value in emails if not _is_email(value)]
        if wrong:
            raise forms.ValidationError(
                _("Not an email address: %(values)s. Correct or remove it, then invite again."),
                params={"values": ", ".join(wrong)},
            )
        if len(emails) > 500:
            raise forms.ValidationError(_("Invite at most 500 people at a time."))
        return list(dict.fromkeys(emails))


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except forms.ValidationError:
        return False
    return True


class PreviewForm(forms.Form):
    audience = forms.ChoiceField(label=_("As"), choices=Audience.choices)
    at = _datetime_field(_("At (contest time)"))


class TemplateForm(forms.Form):
    name = SingleLineField(
        label=_("Name"),
        max_length=120,
        help_text=_("For example: announcement at the ceremony, the film to the community a week later."),
    )


class TemplateStepForm(forms.Form):
    target = forms.ChoiceField(label=_("What"), choices=Target.choices, widget=forms.RadioSelect)
    audiences = StepForm.base_fields["audiences"]
    days = forms.IntegerField(label=_("Days after the chosen moment"), min_value=0, max_value=366, initial=0)
    hours = forms.IntegerField(label=_("and hours"), min_value=0, max_value=23, initial=0)


class TemplateDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Delete this template (releases already planned with it keep their steps)"), required=True
    )


class ApplyTemplateForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Template"), queryset=ReleaseTemplate.objects.none())
    start = _datetime_field(
        _("From (contest time)"), help_text=_("The moment the template's delays count from, e.g. the ceremony.")
    )

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = contest.release_templates.all()
