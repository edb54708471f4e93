from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.text import SingleLineField

from .models import Scope


class TokenForm(forms.Form):
    label = SingleLineField(label=_("What it is for (e.g. the name of the tool)"), max_length=120)
    scopes = forms.MultipleChoiceField(
        label=_("Permissions"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.READ]
    )
