"""Groups: "curator" (staff who curate in admin, never delete) and "researcher" (read-only, no admin).

Permissions are created here rather than waiting for post_migrate, so a fresh database gets
complete groups in one ``migrate``. Deleting stays with superusers: no group gets a delete
permission, and the admin refuses deletion of articles and outlets to everyone else.
"""
from django.db import migrations

CURATED_MODELS = {
    "comparer": ["outlet", "article", "event", "claimcluster", "claim", "claimrelation"],
    "curation": ["relationreview"],
}
AUDIT_MODELS = {"curation": ["curationdecision", "curationchange"]}
RESEARCH_MODELS = {"comparer": ["outlet", "article", "event", "claimcluster", "claim", "claimrelation"]}


def _codenames(models, actions):
    return [(app, f"{action}_{model}") for app, names in models.items() for model in names for action in actions]


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        found = []
        for app_label, codename in pairs:
            found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return found

    curator, _ = Group.objects.get_or_create(name="curator")
    curator.permissions.set(permissions(
        _codenames(CURATED_MODELS, ["view", "change"]) + _codenames(AUDIT_MODELS, ["view"])
        + [("curation", "revert_curationdecision")]))
    researcher, _ = Group.objects.get_or_create(name="researcher")
    researcher.permissions.set(permissions(_codenames(RESEARCH_MODELS, ["view"])))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["curator", "researcher"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0001_initial"),
        ("comparer", "0002_domain"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
