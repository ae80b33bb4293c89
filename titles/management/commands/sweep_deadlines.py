from django.core.management.base import BaseCommand

from titles.sweep import sweep_run


class Command(BaseCommand):
    help = (
        "Run the deadline sweep now (the same one the periodic task runs) and print what changed."
    )

    def handle(self, *args, **options):
        result = sweep_run()
        if not result.ran:
            self.stdout.write("Another sweep is running; nothing done.")
            return
        for line in result.changes:
            self.stdout.write(line)
        self.stdout.write(f"{len(result.changes)} change(s).")
