from django.core.management.base import BaseCommand

from places.map_build import ARTEFACT_PATH, ATLAS_PATH, build, write


class Command(BaseCommand):
    help = "Rebuild places/data/township_paths.json (SVG paths of the 368 townships and 22 counties) from the atlas."

    def add_arguments(self, parser):
        parser.add_argument("--atlas", default=str(ATLAS_PATH), help="TopoJSON file (default: %(default)s)")
        parser.add_argument("--output", default=str(ARTEFACT_PATH), help="where to write (default: %(default)s)")

    def handle(self, *args, atlas, output, **options):
        artefact = build(atlas)
        size = write(artefact, output)
        paths = sum(len(town["d"]) for town in artefact["towns"].values()) + sum(
            len(county["d"]) for county in artefact["counties"].values()
        )
        self.stdout.write(
            f"{len(artefact['towns'])} townships, {len(artefact['counties'])} counties; "
            f"{output}: {size / 1000:.1f} kB ({paths / 1000:.1f} kB of path data)"
        )
