"""The oversight pages, one module per topic: `feed` (the live feed, polled by htmx), `warnings`
(the list and their handling), `dashboard`, `queue` (the review queue) and `settings` (the
county's rule parameters); `common` holds the tabs and pickers they share. Thin: read the request,
call services, render; every queryset goes through the scope gate."""
