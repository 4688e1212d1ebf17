"""Signals of our own, sent through ``crawler.signals`` like Scrapy's."""

#: A response body inflated past DOWNLOAD_MAXSIZE; args: request, response, message.
decompression_capped = object()

#: A response was written to WARC; args: request, response. Sent for every response,
#: including redirect hops and meta-refresh pages that never reach a spider callback.
response_archived = object()
