from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("driftapp", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE drift_note ADD COLUMN colour text NOT NULL DEFAULT ''",
            reverse_sql="ALTER TABLE drift_note DROP COLUMN colour",
        )
    ]
