import math
from datetime import datetime, time, timedelta

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.text import MultiLineField, SingleLineField

from .models import ENTRY_FIELDS, ContentWarning, Entry, Institution
from .subtitles import SUBTITLE_MAX_BYTES, SubtitleError, read_subtitles


class SubtitleFileInput(forms.ClearableFileInput):
    """The current subtitle file by its name, without a link (media are served only through signed views, never at
    MEDIA_URL), a "remove" checkbox beside its label, and the file input. Rendered with the project's templates."""

    template_name = "contest/widgets/subtitle_file.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["current_name"] = str(getattr(value, "name", "") or "").rsplit("/", 1)[-1]
        return context

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer=TemplatesSetting())


class EntryForm(forms.ModelForm):
    """Details of an entry. Declarations are ticked here but only required at submission (see services)."""

    content_warnings = forms.ModelMultipleChoiceField(
        queryset=ContentWarning.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Content warnings"),
        help_text=_("Tick every category your film shows or talks about. Viewers see them before the film."),
    )

    class Meta:
        model = Entry
        fields = ENTRY_FIELDS
        widgets = {
            "synopsis_fr": forms.Textarea(attrs={"rows": 5}),
            "synopsis_en": forms.Textarea(attrs={"rows": 5}),
            "credits": forms.Textarea(attrs={"rows": 4}),
            "subtitle_file": SubtitleFileInput,
        }

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest
        self.fields["content_warnings"].queryset = contest.content_warnings.all()
        for name in ("synopsis_fr", "synopsis_en"):
            self.fields[name].widget.attrs["maxlength"] = contest.max_synopsis_chars
            self.fields[name].help_text = _("At most %(limit)d characters.") % {"limit": contest.max_synopsis_chars}
        self.fields["subtitle_file"].widget.attrs["accept"] = ".vtt,.srt,text/vtt"

    def clean_synopsis_fr(self):
        return self._clean_synopsis("synopsis_fr")

    def clean_synopsis_en(self):
        return self._clean_synopsis("synopsis_en")

    def _clean_synopsis(self, name):
        text = self.cleaned_data.get(name, "")
        limit = self.contest.max_synopsis_chars
        if len(text) > limit:
            raise forms.ValidationError(
                _("%(length)d characters; the limit is %(limit)d: shorten it by %(excess)d."),
                code="synopsis_too_long",
                params={"length": len(text), "limit": limit, "excess": len(text) - limit},
            )
        return text

    def clean_subtitle_file(self):
        upload = self.cleaned_data.get("subtitle_file")
        if (
            upload
            and hasattr(upload, "name")
            and getattr(upload, "size", None) is not None
            and not isinstance(upload, str)
        ):
            if not upload.name.lower().endswith((".vtt", ".srt")):
                raise forms.ValidationError(_("Choose a WebVTT (.vtt) or SubRip (.srt) file."), code="subtitle_type")
            if upload.size > SUBTITLE_MAX_BYTES:
                raise forms.ValidationError(_("A subtitle file is at most 1 MB."), code="subtitle_size")
            # Read it now, so a broken file is refused here with its line rather than found after the transcode.
            upload.seek(0)
            data = upload.read(SUBTITLE_MAX_BYTES + 1)
            upload.seek(0)
            try:
                read_subtitles(data)
            except SubtitleError as error:
                raise forms.ValidationError(error.message, code="subtitle_invalid") from error
        return upload

    def service_values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "content_warnings"}
        if values["subtitle_file"] is False:  # "Remove the subtitles" ticked
            values["subtitle_file"] = ""
        return values


class TeamForm(forms.Form):
    name = SingleLineField(label=_("Team name"), max_length=120)
    institution = forms.ModelChoiceField(queryset=Institution.objects.none(), label=_("Institution"))

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = contest.institutions.all()


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))


class ExtensionForm(forms.Form):
    until = forms.DateTimeField(
        label=_("Extended until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the contest's time zone."),
    )


class ReopenRegistrationForm(forms.Form):
    until = forms.DateTimeField(
        label=_("Reopen registration until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the contest's time zone."),
    )


class DisqualifyForm(forms.Form):
    reason = MultiLineField(label=_("Reason, shown to the team"), widget=forms.Textarea(attrs={"rows": 3}))


class RefuseEditForm(forms.Form):
    reason = MultiLineField(label=_("Reason, shown to the team"), widget=forms.Textarea(attrs={"rows": 2}))


class NewEditionForm(forms.Form):
    slug = forms.SlugField(
        label=_("Address of the new edition"),
        help_text=_("Its pages will be under /c/ followed by this address, e.g. /c/courts-2027/."),
    )
    title_fr = SingleLineField(label=_("title (French)"), max_length=200)
    title_en = SingleLineField(label=_("title (English)"), max_length=200, required=False)
    opens_at = forms.DateTimeField(
        label=_("Submissions open"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the contest's time zone. Rounds and votes move by as much as the opening."),
    )
    closes_at = forms.DateTimeField(
        label=_("Submissions close"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the contest's time zone."),
    )
    reinvite_jurors = forms.BooleanField(label=_("Invite this edition's jurors again"), required=False)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Who is in the file"),
        choices=[("teams", _("teams and their members")), ("jurors", _("jurors"))],
        widget=forms.RadioSelect,
        initial="teams",
    )
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        required=False,
        help_text=_(
            "First row: the columns' names. Teams: team, institution, email, language (fr or en; French if empty), "
            "one row per member. Jurors: email, language."
        ),
    )
    addresses = MultiLineField(
        label=_("Or, for jurors, their addresses"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line (or separated by commas); each gets an invitation in French."),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("addresses", "").strip()):
            raise forms.ValidationError(_("Give either a file or a list of addresses."))
        if data.get("addresses", "").strip() and data.get("kind") != "jurors":
            raise forms.ValidationError(_("A list of addresses invites jurors: for teams, send a file."))
        return data


class ImportConfirmForm(forms.Form):
    rows = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=_("I have checked the rows: create the teams and send every invitation."))


class GroupMessageForm(forms.Form):
    group = forms.ChoiceField(label=_("To"), widget=forms.RadioSelect)
    subject = SingleLineField(label=_("Subject"), max_length=150)
    body = MultiLineField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))
    token = forms.UUIDField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("Send it now to the people of this group (each gets it once; it cannot be recalled)")
    )

    def __init__(self, *args, groups: list[tuple[str, str]], **kwargs):
        """`groups`: (key, label with the number of people it holds now)."""
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = groups


class PersonOnScreenForm(forms.Form):
    """Someone who appears in the film, listed by the team (contest.services.add_person_on_screen)."""

    name = SingleLineField(label=_("Name"), max_length=200)
    role_in_film = SingleLineField(
        label=_("Role in the film"), max_length=200, required=False, help_text=_("For example: narrator, Léa.")
    )
    email = forms.EmailField(label=_("Their email"), help_text=_("Their own link to answer is mailed here."))
    minor = forms.BooleanField(label=_("Under 18"), required=False)
    guardian_email = forms.EmailField(
        label=_("A parent's or guardian's email"),
        required=False,
        help_text=_("For a person under 18: the guardian gets a link of their own, and both must agree."),
    )


class ConsentForm(forms.Form):
    """One answer per use of the film: yes or no, and for a yes an optional last day. The end date is read in the
    contest's time zone (the active one while the form is cleaned) and ends at midnight after that day."""

    def __init__(self, *args, uses, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.uses = uses
        for use, label in uses:
            answer = answers.get(use)
            self.fields[f"{use}_given"] = forms.TypedChoiceField(
                label=label,
                choices=[("yes", _("Yes, I agree")), ("no", _("No"))],
                widget=forms.RadioSelect,
                initial=("yes" if answer.given else "no") if answer else None,
                error_messages={"required": _("Answer yes or no.")},
            )
            self.fields[f"{use}_until"] = forms.DateField(
                label=_("Until (last day, optional)"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                initial=(timezone.localtime(answer.until) - timedelta(days=1)).date()
                if answer and answer.until
                else None,
            )

    def answers(self) -> dict:
        """{use: (given, until)} with `until` the midnight that ends the chosen day, in the active time zone."""
        result = {}
        for use, _label in self.uses:
            given = self.cleaned_data[f"{use}_given"] == "yes"
            day = self.cleaned_data.get(f"{use}_until")
            until = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min)) if given and day else None
            result[use] = (given, until)
        return result

    def rows(self):
        """(use, label, answer field, end date field) per use, for the template."""
        return [(use, label, self[f"{use}_given"], self[f"{use}_until"]) for use, label in self.uses]


class ConsentLinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("The email the link was sent to"))


class WaiverForm(forms.Form):
    reason = MultiLineField(label=_("Why the jury may see the film without this person's answer"), max_length=2000)


class TimecodeField(forms.CharField):
    """A moment of the film typed as minutes:seconds ("1:05"), hours:minutes:seconds, or seconds ("65"); cleaned
    to seconds (a float). Anything else (control characters included) is refused with one message."""

    widget = forms.TextInput(attrs={"maxlength": 12, "autocomplete": "off"})

    def to_python(self, value):
        text = super().to_python(value).strip().replace(",", ".")
        if not text:
            return None
        try:
            parts = [float(part) for part in text.split(":")]
        except ValueError:
            parts = []
        if (
            not 1 <= len(parts) <= 3
            or not all(math.isfinite(part) and part >= 0 for part in parts)
            or any(part >= 60 for part in parts[1:])
        ):
            raise forms.ValidationError(_("Write a moment of the film as minutes:seconds, for example 1:05."))
        seconds = 0.0
        for part in parts:
            seconds = seconds * 60 + part
        return seconds


class CreditsForm(forms.Form):
    """Where the film's credits are (contest.services.mark_credits): empty for a film without them."""

    opening_credits_end_s = TimecodeField(
        label=_("Opening credits end at"), required=False, help_text=_("minutes:seconds; empty if none")
    )
    closing_credits_start_s = TimecodeField(
        label=_("Closing credits start at"), required=False, help_text=_("minutes:seconds; empty if none")
    )


class PassageForm(forms.Form):
    """A hard passage of the film (contest.services.mark_passage)."""

    start_s = TimecodeField(label=_("From"), help_text=_("minutes:seconds, for example 1:05"))
    end_s = TimecodeField(label=_("To"), help_text=_("minutes:seconds, for example 1:40"))
    content_warning = forms.ModelChoiceField(label=_("It shows"), queryset=ContentWarning.objects.none())

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_warning"].queryset = ContentWarning.objects.filter(contest=contest)
