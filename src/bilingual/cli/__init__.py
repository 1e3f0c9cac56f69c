"""The ``bilingual`` command line: a thin shell over the library.

Each command only parses its arguments, calls the library and prints. Exit codes: 0 success,
1 a failed run (with a one-line reason), 2 bad arguments.
"""

from __future__ import annotations

import click

from bilingual import __version__
from bilingual.cli import aligning, concordance, discrepancies, doctor, documents, exchange, glossary, models, qa, store


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="bilingual")
def main() -> None:
    """Translate Danish documents, align them with English articles, review and export."""


# The order of the command table in ``bilingual --help``.
for command in (documents.translate, documents.add, documents.furniture, documents.stats, documents.review,
                models.model, exchange.coverage, discrepancies.discrepancies, exchange.export_command,
                exchange.import_reviews_command, aligning.align_command, aligning.align_files,
                glossary.glossary_group, concordance.concordance_command, store.store_group,
                qa.qa_command, doctor.doctor):
    main.add_command(command)
