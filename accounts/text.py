"""Text people type: a single-line field holds no control character at all (a line break in a title would end up
in a mail header, a CSV cell or a log line), a multi-line one holds line breaks and tabs but no other control
character. Written once here, the lowest app, and used by model fields (so ModelForms, the admin and DRF's model
serializers check it), form fields and serializer fields alike."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
SINGLE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MULTI_LINE_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@deconstructible
class SingleLineValidator:
    """Refuses any control character; the message names the field (its label)."""

    pattern = SINGLE_LINE_FORBIDDEN
    message = _("%(field)s must be on one line: remove the line break or control character.")
    code = "control_character"

    def __init__(self, label=None):
        self.label = label

    def __call__(self, value) -> None:
        if isinstance(value, str) and self.pattern.search(value):
            raise ValidationError(
                self.message, code=self.code, params={"field": capfirst(self.label or _("This field"))}
            )

    def __eq__(self, other):
        return type(self) is type(other) and self.label == other.label


@deconstructible
class MultiLineValidator(SingleLineValidator):
    """Refuses control characters other than line breaks and tabs."""

    pattern = MULTI_LINE_FORBIDDEN
    message = _("%(field)s contains a control character: remove it (line breaks and tabs are fine).")


def one_line(text: str) -> str:
    """The text with every run of control characters and whitespace made one space: for mail subjects built from
    rows stored before the validators existed."""
    return re.sub(" *[\x00-\x1f\x7f-\x9f\u2028\u2029]+ *", " ", str(text)).strip()


class SingleLineCharField(models.CharField):
    """A CharField that refuses control characters. Migrations see a plain CharField (validation only)."""

    @property
    def validators(self):
        return [*super().validators, SingleLineValidator(self.verbose_name)]

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class MultiLineTextField(models.TextField):
    """A TextField that refuses control characters other than line breaks and tabs. Migrations see a TextField."""

    @property
    def validators(self):
        return [*super().validators, MultiLineValidator(self.verbose_name)]

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


class SingleLineField(forms.CharField):
    """A form CharField that refuses control characters, naming its label in the message."""

    validator_class = SingleLineValidator

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.append(self.validator_class(self.label))


class MultiLineField(SingleLineField):
    """A form CharField (a textarea) that refuses control characters other than line breaks and tabs."""

    validator_class = MultiLineValidator
    widget = forms.Textarea
