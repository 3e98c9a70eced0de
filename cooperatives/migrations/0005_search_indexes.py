"""Indexes for the cooperative list's free-text search at national scale (issue 16).

On PostgreSQL: the pg_trgm extension and GIN trigram indexes on the texts the search matches
(cooperatives.filters.CooperativeFilter.filter_text). Django writes icontains as
`UPPER(col::text) LIKE UPPER('%…%')` and contains as `col::text LIKE '%…%'`, so names are
indexed as UPPER(name) and phones as they are; the planner then answers `LIKE '%sungai%'` from
the index instead of reading every row.

SQLite has no GIN: there these operations do nothing (see _postgresql.py). Plain SQL rather
than GinIndex(OpClass(Upper(...))): an expression with an operator class compiles only with
django.contrib.postgres in INSTALLED_APPS, which the SQLite default does not need.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from cooperatives.migrations._postgresql import index


class Migration(migrations.Migration):

    dependencies = [
        ("cooperatives", "0004_progress_after_formation"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on other databases
        index("coop_name_trgm", "cooperatives_cooperative", "USING gin (UPPER(name) gin_trgm_ops)"),
        index("coop_phone_trgm", "cooperatives_cooperative", "USING gin (phone gin_trgm_ops)"),
        index("region_name_trgm", "cooperatives_region", "USING gin (UPPER(name) gin_trgm_ops)"),
        index("board_name_trgm", "cooperatives_boardmember", "USING gin (UPPER(name) gin_trgm_ops)"),
        index("board_phone_trgm", "cooperatives_boardmember", "USING gin (phone gin_trgm_ops)"),
        # The full-NIK search is an equality; the (cooperative, nik) unique index cannot serve it.
        index("board_nik_idx", "cooperatives_boardmember", "(nik)"),
    ]
