from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.text import MultiLineField, SingleLineField
from contest.models import ContentWarning, Entry, Institution, Prize, Team

from .models import ROUND_FIELDS, FinalVote, Round


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = [name for name in ROUND_FIELDS if name != "order"]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }


class CriterionForm(forms.Form):
    name_fr = SingleLineField(label=_("name (French)"), max_length=120)
    name_en = SingleLineField(label=_("name (English)"), max_length=120, required=False)
    guidance_fr = MultiLineField(label=_("guidance (French)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    guidance_en = MultiLineField(
        label=_("guidance (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    weight = forms.DecimalField(label=_("weight"), min_value=Decimal("0.01"), initial=1, decimal_places=2)
    scale_min = forms.DecimalField(label=_("lowest score"), initial=1, decimal_places=2)
    scale_max = forms.DecimalField(label=_("highest score"), initial=5, decimal_places=2)
    step = forms.DecimalField(label=_("step"), min_value=Decimal("0.01"), initial=1, decimal_places=2)
    anchors_fr = MultiLineField(
        label=_("anchors (French)"),
        help_text=_("What a score means, one level per line, e.g. “1: does not convey the message”."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    anchors_en = MultiLineField(
        label=_("anchors (English)"),
        help_text=_("The same levels in English, e.g. “1: does not convey the message”."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class CriterionAnchorsForm(forms.Form):
    """Rewording a criterion's anchors, in both languages."""

    anchors_fr = CriterionForm.base_fields["anchors_fr"]
    anchors_en = CriterionForm.base_fields["anchors_en"]

    @classmethod
    def of(cls, criterion, **kwargs) -> "CriterionAnchorsForm":
        """The form filled with the criterion's anchors as "level: description" lines."""
        initial = {
            f"anchors_{language}": "\n".join(
                f"{level}: {texts[language]}"
                for level, texts in criterion.anchors.items()
                if isinstance(texts, dict) and texts.get(language)
            )
            for language in ("fr", "en")
        }
        return cls(initial=initial, prefix=f"anchors-{criterion.pk}", **kwargs)


class ManualAssignmentForm(forms.Form):
    juror = forms.ModelChoiceField(label=_("juror"), queryset=User.objects.none())
    code = SingleLineField(label=_("entry code"), max_length=12)

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = User.objects.filter(
            pk__in=round.jurors.filter(active=True).values("user_id")
        ).order_by("email")


class OrganiserConflictForm(forms.Form):
    juror = forms.ModelChoiceField(label=_("juror"), queryset=User.objects.none())
    team = forms.ModelChoiceField(label=_("team"), queryset=Team.objects.none(), required=False)
    code = SingleLineField(label=_("or entry code"), max_length=12, required=False)

    def __init__(self, *args, contest, jurors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = jurors
        self.fields["team"].queryset = Team.objects.filter(contest=contest).order_by("name")

    def clean(self):
        data = super().clean()
        if bool(data.get("team")) == bool(data.get("code")):
            raise forms.ValidationError(_("Choose a team or give an entry code (one of the two)."))
        return data


class JurorConflictForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("I have a conflict of interest with this institution"), queryset=Institution.objects.none()
    )

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.filter(teams__contest=contest).distinct()


class OptOutForm(forms.Form):
    warnings = forms.ModelMultipleChoiceField(
        label=_("Do not give me films with these content warnings"),
        queryset=ContentWarning.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warnings"].queryset = ContentWarning.objects.filter(contest=contest)


class WarningPaceForm(forms.Form):
    """At most so many films a day with one content warning (empty: no limit)."""

    warning = forms.ModelChoiceField(label=_("Films with this content warning"), queryset=ContentWarning.objects.none())
    per_day = forms.IntegerField(
        label=_("At most this many a day"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("Leave empty for no limit. Films you already opened stay in your queue."),
    )

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warning"].queryset = ContentWarning.objects.filter(contest=contest)


class JurorMailForm(forms.Form):
    """The jury's mails a juror may turn off (the films assigned and the round's opening always come)."""

    reminders = forms.BooleanField(
        label=_("Remind me by mail of reviews not submitted, a few days and 24 hours before a round closes"),
        required=False,
    )
    digest = forms.BooleanField(
        label=_("Once a day at most, mail me the new messages in the discussions of the films I reviewed"),
        required=False,
    )


class ShortlistForm(forms.Form):
    top = forms.IntegerField(label=_("shortlist the top"), min_value=1)


class AwardForm(forms.Form):
    prize = forms.ModelChoiceField(label=_("prize"), queryset=Prize.objects.none())
    code = SingleLineField(label=_("entry code"), max_length=12)
    citation_fr = MultiLineField(label=_("citation (French)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    citation_en = MultiLineField(
        label=_("citation (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reason_if_not_ranking = MultiLineField(
        label=_("if not the ranking's choice, why"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest
        self.fields["prize"].queryset = Prize.objects.filter(contest=contest)

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        entry = Entry.objects.filter(contest=self.contest, code=code).first()
        if entry is None:
            raise forms.ValidationError(_("No entry has this code."))
        self.cleaned_data["entry"] = entry
        return code


class FeedbackPublicationForm(forms.Form):
    """When the teams read the jury's feedback (in the contest's time zone), and with what."""

    publish_at = forms.DateTimeField(
        label=_("published from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the contest's time zone; at the earliest when the last round closes."),
    )
    show_scores = forms.BooleanField(
        label=_("teams also see their scores per criterion beside the round's average"), required=False
    )
    confirm = forms.BooleanField(
        label=_(
            "I have read the comments below: from that time on, each team reads them as shown and each member gets "
            "a mail, which cannot be taken back."
        ),
        error_messages={"required": _("Tick this box once you have read the comments below.")},
    )


class FeedbackModerationForm(forms.Form):
    """The organiser's rewording of one comment to a team, or holding it back; a reason either way."""

    ACTIONS = ("edit", "hold", "restore")

    text = MultiLineField(label=_("what the team reads"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reason = MultiLineField(
        label=_("reason (kept in the jury's record, never shown to the team)"),
        widget=forms.TextInput(),
        required=False,
    )
    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])


class FinalVoteForm(forms.Form):
    """The organiser's final vote: how it is counted, what it decides, among which entries."""

    method = forms.ChoiceField(label=_("counting method"), choices=FinalVote.Method.choices)
    tiebreak = forms.ChoiceField(label=_("tie-break"), choices=FinalVote.TieBreak.choices)
    prizes = forms.ModelMultipleChoiceField(
        label=_("prizes this vote decides (in the prizes' order: the first goes to the winner)"),
        queryset=Prize.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    finalists = forms.ModelMultipleChoiceField(
        label=_("finalists"), queryset=Entry.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, round, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prizes"].queryset = Prize.objects.filter(contest=round.contest).order_by("order", "name_fr")
        self.fields["finalists"].queryset = entries.order_by("code")
        self.fields["finalists"].label_from_instance = lambda entry: f"{entry.code} · {entry.title}"


class ConfirmForm(forms.Form):
    """A box to tick before something that cannot be undone."""

    confirm = forms.BooleanField(error_messages={"required": _("Tick the box to confirm.")})

    def __init__(self, *args, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = label


class BallotForm(forms.Form):
    """A juror's ballot: a rank for each finalist on it (1 = the one they prefer), or none."""

    def __init__(self, *args, finalists, ranking=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.finalists = finalists
        choices = [("", "—")] + [(str(rank), str(rank)) for rank in range(1, len(finalists) + 1)]
        current = {pk: position for position, pk in enumerate(ranking, start=1)}
        for entry in finalists:
            self.fields[f"rank_{entry.pk}"] = forms.ChoiceField(
                label=f"{entry.code} · {entry.title}",
                choices=choices,
                required=False,
                initial=str(current[entry.pk]) if entry.pk in current else "",
            )

    def clean(self):
        ranks = {}
        for entry in self.finalists:
            value = self.cleaned_data.get(f"rank_{entry.pk}")
            if value:
                ranks.setdefault(int(value), []).append(entry)
        shared = [entries for entries in ranks.values() if len(entries) > 1]
        if shared:
            raise forms.ValidationError(
                _("Give each finalist its own rank: %(titles)s share one.")
                % {"titles": ", ".join(entry.title for entry in shared[0])}
            )
        if not ranks:
            raise forms.ValidationError(_("Rank at least one finalist."))
        self.cleaned_data["ranking"] = [ranks[rank][0].pk for rank in sorted(ranks)]
        return self.cleaned_data


class AssignmentFileForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "First row: entry, juror, action. One row per change: the film's code, the juror's address, add or "
            "remove (add if empty). Start from the current assignments' file, edit it, send it back."
        ),
    )


class AssignmentConfirmForm(forms.Form):
    rows = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=_("I have checked the rows: make these changes."))
