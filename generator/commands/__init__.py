"""What each `ducha` command does, as plain functions (in the manner of mkdocs' `commands/`).

Each function takes the command's settings (paths, dates, switches: never
Click objects, never the clock) and returns a result dataclass; it raises a
`ducha.errors.DuchaError` subclass when it cannot. `ducha.cli` parses the
options, calls the function, hands the result to a formatter in
`ducha.output` and turns errors into exit statuses. Nothing here prints.
"""


def yaml_is_slow() -> bool:
    """Whether PyYAML lacks libyaml (reading is then about 9 times slower)."""
    from ..loader import HAVE_LIBYAML

    return not HAVE_LIBYAML
