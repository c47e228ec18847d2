"""Openness pages: `disclosures` (disclosures and the county settings), `questions` (villagers'
questions and the answer statistics), `public` (the public village page, no login) and
`display` (what the pages show that templates cannot compute)."""
