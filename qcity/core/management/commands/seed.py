from django.core.management.base import BaseCommand

from qcity.core.services import province_load, reference_data_load


class Command(BaseCommand):
    help = ("Load the reference data that ships with qcity: Zhengzhou's org units, departments, holiday schedule, "
            "legal durations; with --province, Henan province over Zhengzhou and its other 17 cities (GB/T 2260).")

    def add_arguments(self, parser):
        parser.add_argument("--province", action="store_true",
                            help="run the programme for the province: its units over the city's (cannot be undone)")

    def handle(self, *args, province=False, **options):
        counts = reference_data_load(by=None)
        if province:
            counts["org_units"] += province_load(by=None)["org_units"]
        self.stdout.write(self.style.SUCCESS(
            "reference data: " + ", ".join(f"{k} +{v}" for k, v in counts.items())
        ))
