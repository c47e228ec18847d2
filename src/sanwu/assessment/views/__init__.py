"""The app's pages, one module per topic: `home`, `rounds` (team analysis rounds and the review of
the difficult-villages list), `difficult` (the list itself), `rectification`, `assessments` and
`settings`; `common` holds what they share."""
