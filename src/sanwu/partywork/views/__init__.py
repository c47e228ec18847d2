"""The party-work pages, one module per topic: `tasks` (the task ledger's lists, a task and its
closed loop, assigning and importing), `meetings` (dispatch meetings and inspections), `reports`
(by owner, 季例会, 半年小结, 年度汇总), `orgs` (the register and the statistics) and `talks`.
Thin: services decide; every object comes through the scope gate; buttons appear only for those
who may use them."""
