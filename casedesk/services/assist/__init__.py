"""Assist: what the server works out about cases for agents, on its own, nothing sent
anywhere: the language of each message (``detection``), the sentiment of the last
external message, a category suggested by a classifier each corporation trains on its
own categorised cases (``classifier``, ``training``, ``suggestions``), and similar
cases and duplicates (``similar``). All of it is computed after commit by the
``assist`` and ``assist-training`` jobs (``insights``); ``settings`` holds each
corporation's switches, ``reads`` what the faces show.

May use: the contexts below its row (``cases`` and down). It changes a case only
through the case use-cases (taking a suggestion sets the category with ``update_case``).
"""

from casedesk.services.assist.suggestions import on_events
from casedesk.services.kernel import audit

# Records an agent's choice about a suggestion in the transaction that sets the category.
audit.add_listener(on_events)
