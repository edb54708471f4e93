from django.db import migrations, models
from django.db.models import Min


def verified_by_invitation(apps, schema_editor):
    """An accepted invitation proved its address; staff are vouched for. Everyone else verifies by mail."""
    User = apps.get_model("accounts", "User")
    Invitation = apps.get_model("accounts", "Invitation")
    for user_id, accepted_at in (
        Invitation.objects.filter(accepted_by__isnull=False)
        .values_list("accepted_by")
        .annotate(first=Min("accepted_at"))
    ):
        User.objects.filter(pk=user_id).update(email_verified_at=accepted_at)
    User.objects.filter(is_staff=True, email_verified_at__isnull=True).update(
        email_verified_at=models.F("date_joined")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="email verified at"),
        ),
        migrations.RunPython(verified_by_invitation, migrations.RunPython.noop),
    ]
