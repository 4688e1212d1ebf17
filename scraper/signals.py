"""Signals of our own, sent through ``crawler.signals`` like Scrapy's."""

#: A response body inflated past DOWNLOAD_MAXSIZE; args: request, response, message.
decompression_capped = object()
