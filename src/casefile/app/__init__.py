"""The application layer: what a front end does besides parsing its input and rendering the result.

The CLI (``casefile.cli``) and the web pages (``casefile.web``) call these functions unchanged:
validate a user's filters, assemble the data of a page or a command, dispatch an action to the right
library function. Nothing here prints, reads the clock or knows about click or HTTP; errors a user
can cause are :class:`casefile.errors.CasefileError` subclasses.

* :mod:`casefile.app.cases` — case lists (filters, derived flags) and the case page (``show``)
* :mod:`casefile.app.flow` — workflow actions that need more than one library call (reopen, arrears)
"""

from casefile import derived, events

# Derived data (catalog, search queue) follows every committed change: registered here, once, for
# every front end; the store fires it (casefile.events).
events.on_commit(derived.refresh)
