"""The collective-economy pages, one module per topic: `figures` (overview, trends, the village
table), `awards`, `brief`, `settings` (a county's rules) and `statistics` (the annual 农经统计 forms and the villages behind each figure); `graphs` turns figures into the chart
data `static/sanwu/economy.js` draws. Thin: parameters through the scope gate, figures from
`services`, tables from `tables`."""
