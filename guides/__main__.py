"""``python -m guides validate DIR``: check a catalogue directory without a database."""

import sys

from guidebot.errors import ValidationFailed
from guides.catalogue import load_directory, reference_problems


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "validate":
        print("usage: python -m guides validate CATALOGUE_DIR", file=sys.stderr)
        return 2
    try:
        bundle = load_directory(argv[1])
        problems = reference_problems(bundle, {}, set())
        if problems:
            raise ValidationFailed(problems)
    except ValidationFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"ok: {len(bundle.regions)} regions, {len(bundle.departments)} departments, {len(bundle.items)} items")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
