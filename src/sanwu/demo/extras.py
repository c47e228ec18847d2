"""The rest of the demo city, loaded after the regions, people, users and books: each app's own
`load_demo`, in the order their data depends on each other (decisions before the warnings that
look for them and before the economy's cadre rewards that rest on them; disclosures before the
daily rules that find the late ones)."""

import time


def load_extras(scale: str, seed: int, report=None) -> None:
    from sanwu.assessment import demo as assessment
    from sanwu.decisions import demo as decisions
    from sanwu.disclosure import demo as disclosure
    from sanwu.economy import demo as economy
    from sanwu.oversight import demo as oversight
    from sanwu.partywork import demo as partywork

    steps = [
        ("四议两公开", lambda: decisions.load_demo(seed)),
        ("党组织与重点工作", lambda: partywork.load_demo(seed)),
        ("研判、整顿与考核", lambda: assessment.load_demo(seed)),
        ("财务公开与群众提问", lambda: disclosure.load_demo(seed)),
        ("集体经济", lambda: economy.load_demo(scale, seed)),
        ("预警", lambda: oversight.load_demo(seed)),
    ]
    for label, step in steps:
        started = time.perf_counter()
        step()
        if report:
            report(f"  {label}：{time.perf_counter() - started:.1f} 秒")
