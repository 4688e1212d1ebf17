"""The ingest step: WARC records -> extraction -> database rows.

It sits above ``archive.warc`` (reading records back), ``archive.extract`` (turning a page
into an ``Article``) and ``archive.db`` (storing it), so that the data layer knows nothing
of extraction or process pools. The crawl pipeline, ``reindex`` and ``catchup`` all ingest
through ``record.extract_record``: the database is derived from the bytes in the WARC.
"""
