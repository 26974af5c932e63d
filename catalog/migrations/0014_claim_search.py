from django.db import migrations

# catalog.search is imported when the operations run (see 0002_fulltext).


def install_search(apps, schema_editor):
    from catalog.search.claim_index import install

    install(schema_editor.connection)


def uninstall_search(apps, schema_editor):
    from catalog.search.claim_index import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0013_match_index"),
    ]

    operations = [
        migrations.RunPython(install_search, uninstall_search, elidable=False),
    ]
