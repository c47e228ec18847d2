"""The collective-economy pages, one module per topic: `figures` (overview, trends, the village
table), `awards`, `brief` and `settings` (a county's rules); `graphs` turns figures into the chart
data `static/sanwu/economy.js` draws. Thin: parameters through the scope gate, figures from
`services`, tables from `tables`."""
