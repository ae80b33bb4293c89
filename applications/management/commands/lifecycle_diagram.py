from django.core.management.base import BaseCommand

from applications.lifecycle import lifecycle_dot, lifecycle_mermaid, readme_update


class Command(BaseCommand):
    help = (
        "Print the application lifecycle as a Mermaid state diagram (from django-fsm-2's "
        "graph_transitions); --dot prints the Graphviz source; --readme rewrites the README's."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dot", action="store_true", help="print the Graphviz source")
        parser.add_argument("--readme", action="store_true", help="update README.md")

    def handle(self, *args, dot=False, readme=False, **options):
        if readme:
            changed = readme_update()
            self.stdout.write("README.md updated" if changed else "README.md already current")
        elif dot:
            self.stdout.write(lifecycle_dot())
        else:
            self.stdout.write(lifecycle_mermaid())
