"""The ``sms`` channel: identifier recalls through a generic HTTP SMS gateway.

URL, credentials and the request payload are settings, so any gateway that
takes one HTTP request per message fits. Stdlib only (``urllib``). SMS never
carries a password (the core refuses it, and so does this channel).
"""
