"""Forms of the audience vote. Times are read in the contest's time zone (contest.middleware)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.text import SingleLineField
from releases.forms import LocalDateTimeInput

from .models import AudienceVote

_FORMATS = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]


class VoteSetupForm(forms.Form):
    electorate = forms.ChoiceField(
        label=_("Who may vote"), choices=AudienceVote.Electorate.choices, widget=forms.RadioSelect
    )
    domains = SingleLineField(
        label=_("Domains (for the listed domains only)"),
        max_length=500,
        required=False,
        help_text=_("Separated by spaces or commas, e.g. lycee-gouges.fr; their subdomains count too."),
    )
    opens_at = forms.DateTimeField(
        label=_("Voting opens (contest time)"), widget=LocalDateTimeInput(attrs={"step": "1"}), input_formats=_FORMATS
    )
    closes_at = forms.DateTimeField(
        label=_("Voting closes (contest time)"), widget=LocalDateTimeInput(attrs={"step": "1"}), input_formats=_FORMATS
    )
    require_watched = forms.BooleanField(
        label=_("Voters must have watched most of the film (at least 80 %, counted by the server)"), required=False
    )


class AddressForm(forms.Form):
    address = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        error_messages={"invalid": _("Enter an email address, e.g. camille@lycee-gouges.fr.")},
    )


class VoidForm(forms.Form):
    reason = SingleLineField(label=_("Why these votes are voided (shown in the count)"), max_length=300)
    confirm = forms.BooleanField(label=_("I understand that voided votes leave the count for good."))


class CloseForm(forms.Form):
    confirm = forms.BooleanField(label=_("I understand that the vote closes now, for good: nobody can vote any more."))
