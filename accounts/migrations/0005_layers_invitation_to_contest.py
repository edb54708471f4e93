# Invitations moved to contest (issue 13): the model leaves accounts' state only; its table and rows stay, and
# contest's 0005 takes the same table over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_sessions_epoch"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Invitation")],
            database_operations=[],
        ),
    ]
