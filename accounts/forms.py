from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .text import SingleLineField


class SignupForm(forms.Form):
    full_name = SingleLineField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email exists: log in first."), code="email_taken")
        return email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password"):
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(cleaned["password"], candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned

    def save(self, *, language: str) -> User:
        """The account, in the language the person signed up in (their mails follow it)."""
        return User.objects.create_user(
            self.cleaned_data["email"],
            self.cleaned_data["password"],
            full_name=self.cleaned_data["full_name"],
            preferred_language=language,
        )


class InvitedSignupForm(forms.Form):
    full_name = SingleLineField(label=_("Full name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, User(email=self.email))
        return password


class TokenForm(forms.Form):
    """A six-digit code from an authenticator app."""

    token = SingleLineField(
        label=_("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}),
    )


class LoginForm(AuthenticationForm):
    """Django's login form with a message written for an email login (Django's own, built from the field's name, reads
    « Saisissez un adresse e-mail… » in French)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("This email address and password do not match an account. Check both and try again."),
    }
