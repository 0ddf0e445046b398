"""The ``email`` channel: French plain-text and HTML messages over SMTP.

STARTTLS, implicit TLS or plain, optional authentication, one connection per
batch. Stdlib only (``smtplib``, ``email``). See ``docs/channels.md``.
"""
