"""Seed the affordable-allocation figures we could confirm, each with its year and source.

2024 (prijspeil 2024):
- capping limits (aftoppingsgrenzen) €650.43 (1–2 persons) and €697.07 (3+), quality
  discount limit (kwaliteitskortingsgrens) €454.47, rent benefit ceiling / social rent
  maximum (huurtoeslaggrens, liberalisatiegrens) €879.66: Woonbond, "Normen en grenzen
  huurtoeslag" (2024 table); the caps also Volkshuisvesting Nederland, "Regels voor passend
  toewijzen".
- income limits for affordable allocation below the state-pension age: €27,725 (one person),
  €37,625 (more persons): Volkshuisvesting Nederland (Rijksoverheid), "Regels voor passend
  toewijzen", 2024; the same figures in corporations' own publications (e.g. Intermaris).

Later years are entered in the admin once published; until then the latest year applies.
"""

from decimal import Decimal

from django.db import migrations

SOURCE_2024 = (
    "Volkshuisvesting Nederland, 'Regels voor passend toewijzen' (inkomensgrenzen en aftoppingsgrenzen 2024); "
    "Woonbond, 'Normen en grenzen huurtoeslag' (kwaliteitskortingsgrens en huurtoeslaggrens 2024)"
)


def seed(apps, schema_editor):
    RentLimit = apps.get_model("cases", "RentLimit")
    RentLimit.objects.update_or_create(
        year=2024,
        defaults={
            "quality_discount_limit": Decimal("454.47"),
            "capping_limit_low": Decimal("650.43"),
            "capping_limit_high": Decimal("697.07"),
            "liberalisation_limit": Decimal("879.66"),
            "income_limit_single": 27725,
            "income_limit_multi": 37625,
            "source": SOURCE_2024,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("cases", "RentLimit").objects.filter(year=2024).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
