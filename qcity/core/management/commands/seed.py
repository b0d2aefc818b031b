from django.core.management.base import BaseCommand

from qcity.core.services import reference_data_load


class Command(BaseCommand):
    help = "Load the reference data that ships with qcity: Zhengzhou's org units, departments, holiday schedule, legal durations."

    def handle(self, *args, **options):
        counts = reference_data_load(by=None)
        self.stdout.write(self.style.SUCCESS(
            "reference data: " + ", ".join(f"{k} +{v}" for k, v in counts.items())
        ))
