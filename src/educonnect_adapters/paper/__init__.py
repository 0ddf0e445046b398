"""The ``paper`` channel: individual letters ("feuilles individuelles") as PDF.

One page per account, one PDF file per class, in French; needs the ``pdf``
extra (fpdf2). See ``docs/channels.md``.
"""
