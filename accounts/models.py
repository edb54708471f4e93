import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .text import SingleLineCharField


class UserQuerySet(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person. Logs in with their email; roles come from contest rows (organiser, juror, team member)."""

    username = None
    email = models.EmailField(_("email"), unique=True)
    full_name = SingleLineCharField(_("full name"), max_length=150, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, default="fr")
    # Set when the person proved they read this address (a mailed link: verification, invitation). Community
    # membership and domain rules count only verified addresses.
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    # Part of the session hash once non-zero: raising it ends every session opened before (see end_other_sessions).
    sessions_epoch = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserQuerySet()

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret=None):
        if not self.sessions_epoch:  # the hash Django gives, so sessions from before the field stay valid
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "accounts.User.sessions_epoch", f"{self.password}|{self.sessions_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)
