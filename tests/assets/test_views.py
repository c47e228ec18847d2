from django.urls import reverse

from sanwu.assets import services
from sanwu.assets.models import Card, DepreciationRun
from tests.conftest import client_for, response_bytes

from .conftest import machine, post_run


def test_the_accountant_keeps_the_register_on_its_pages(demo, book, card):
    c = client_for(demo.accountant)
    page = c.get(reverse("assets:register", args=[book.code]))
    assert page.status_code == 200 and "相符" in page.content.decode() and "JQ-001" in page.content.decode()
    detail = c.get(reverse("assets:card", args=[card.pk]))
    assert detail.status_code == 200 and "王*国" in detail.content.decode() and "data:image/svg+xml" in detail.content.decode()
    assert c.get(reverse("assets:tag", args=[card.pk])).status_code == 200
    r = c.post(reverse("assets:depreciation_run", args=[book.code]), {"year": 2025, "month": 2})
    assert r.status_code == 422 and "请先计提 2025年1月" in r.content.decode()
    assert c.post(reverse("assets:depreciation_run", args=[book.code]), {"year": 2025, "month": 1}).status_code == 302
    assert c.post(reverse("assets:depreciation_run", args=[book.code]), {"year": 2025, "month": 2}).status_code == 302
    run = DepreciationRun.objects.get(book=book, year=2025, month=2)
    post_run(demo, run)
    page = c.get(reverse("assets:depreciation", args=[book.code]) + "?year=2025&month=2")
    assert "已计提折旧 95.00 元" in page.content.decode()
    xlsx = c.get(reverse("assets:register", args=[book.code]) + "?format=csv")
    assert "粮食烘干机" in response_bytes(xlsx).decode("utf-8-sig") and "王建国" not in response_bytes(xlsx).decode("utf-8-sig")
    r = c.post(reverse("assets:change", args=[card.pk]), {"name": "粮食烘干机", "location": "二组仓库", "custodian": "王建国", "state": "leased", "expense_role": "operating_expense", "note": ""})
    assert r.status_code == 302
    card.refresh_from_db()
    assert (card.location, card.state, card.expense_role) == ("二组仓库", "leased", "operating_expense")


def test_outsiders_see_nothing_and_other_roles_change_nothing(demo, book, card):
    other = client_for(demo.other_accountant)
    assert other.get(reverse("assets:card", args=[card.pk])).status_code == 404
    assert other.get(reverse("assets:register", args=[book.code])).status_code == 404
    assert "JQ-001" not in other.get(reverse("assets:list")).content.decode()
    township = client_for(demo.township)
    assert township.get(reverse("assets:card", args=[card.pk])).status_code == 200  # reads
    assert township.post(reverse("assets:depreciation_run", args=[book.code]), {"year": 2025, "month": 1}).status_code == 403
    assert township.post(reverse("assets:dispose", args=[card.pk]), {"kind": "scrap", "on": "2025-01-20", "reason": "x"}).status_code == 403
    assert not DepreciationRun.objects.exists() and Card.objects.get(pk=card.pk).state == "in_use"


def test_a_card_is_registered_from_the_form_and_the_purchase_voucher_prompts_it(demo, book, bought):
    services.add_card(demo.accountant, book, machine(None, number="OLD", cost=100, origin="donation"))
    c = client_for(demo.accountant)
    page = c.get(reverse("assets:register", args=[book.code]))
    assert "待登记卡片的凭证" in page.content.decode()
    home = c.get(reverse("home"))
    assert "待登记资产卡片的凭证" in home.content.decode()
    form = c.get(reverse("assets:card_new", args=[book.code]) + f"?voucher={bought.pk}")
    assert form.status_code == 200
    r = c.post(reverse("assets:card_new", args=[book.code]), {
        "number": "JQ-9", "name": "烘干机", "account": "151", "kind": "machinery", "acquired": "2025-01-15", "cost": "12000",
        "life_months": "", "residual_rate": "", "origin": "purchase", "voucher": bought.pk, "location": "", "quantity": "1", "unit": "台",
        "custodian": "", "state": "in_use", "expense_role": "management_expense", "note": "",
    })
    assert r.status_code == 302, r.content.decode()[:3000]
    card = Card.objects.get(book=book, number="JQ-9")
    assert (card.life_months, card.residual_bp, card.voucher_id) == (120, 500, bought.pk)
    assert "待登记卡片的凭证" not in c.get(reverse("assets:register", args=[book.code])).content.decode()


def test_the_api_gives_cards_the_tie_and_the_month_in_fen(demo, book, card):
    from tests.conftest import api_client

    api = api_client(demo.accountant)
    cards = api.get("/api/v1/assets/cards").json()
    assert [c["number"] for c in cards] == ["JQ-001"] and cards[0]["custodian"] == "王*国" and cards[0]["cost_fen"] == 1_200_000
    assert api.get(f"/api/v1/assets/books/{book.code}").json()["ok"] is True
    assert api.post(f"/api/v1/assets/books/{book.code}/depreciation/2025/1").status_code == 201
    data = api.post(f"/api/v1/assets/books/{book.code}/depreciation/2025/2").json()
    assert data["total_fen"] == 9_500 and data["run"]["status"] == "pending"
    assert api_client(demo.other_accountant).get(f"/api/v1/assets/cards/{card.pk}").status_code == 404
    assert api_client(demo.other_accountant).get("/api/v1/assets/cards").json() == []
