"""The person register: ID validation, masking by default, audited full views."""

import io

from openpyxl import load_workbook

from sanwu.core.models import AuditEvent
from sanwu.regions.models import Person


def test_bad_id_number_is_refused_in_chinese(demo, as_user):
    village = demo.accountant.role_assignments.get().region_id
    c = as_user(demo.accountant)
    before = Person.objects.count()
    resp = c.post("/people/add/", {"region": village, "name": "张三明", "id_number": "110101199003074478", "phone": ""})
    body = resp.content.decode()
    assert "校验码错误（应为7）" in body and "未保存任何数据" in body
    assert Person.objects.count() == before


def test_add_person_and_list_is_masked(demo, as_user):
    village = demo.accountant.role_assignments.get().region_id
    c = as_user(demo.accountant)
    resp = c.post("/people/add/", {"region": village, "name": "张三明", "id_number": "340828199003074478", "phone": "13912345678"})
    assert resp.status_code == 302, resp.content.decode()
    person = Person.objects.get(name="张三明")
    assert person.gender == "M" and str(person.birth_date) == "1990-03-07"
    page = c.get("/people/?q=张").content.decode()
    assert "张*明" in page and "张三明" not in page and "340828199003074478" not in page
    export = c.get("/people/?format=xlsx")
    cells = [v for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for v in row]
    assert "张*明" in cells and "张三明" not in cells
    assert not any(isinstance(v, str) and "340828199003074478" in v for v in cells)


def test_outsider_accountant_cannot_add_to_another_village(demo, as_user):
    other_village = demo.other_accountant.role_assignments.get().region_id
    resp = as_user(demo.accountant).post(
        "/people/add/", {"region": other_village, "name": "李四", "id_number": "340828199003074478"}
    )
    assert resp.status_code == 422 and not Person.objects.filter(name="李四").exists()


def test_reveal_is_for_roles_that_need_it_and_audited(demo, as_user):
    person = Person.objects.filter(region__code__startswith=demo.township.role_assignments.get().region_id[:9]).first()
    resp = as_user(demo.township).post(f"/people/{person.pk}/reveal/")
    assert resp.status_code == 200 and resp.json()["id_number"] == person.id_number
    assert AuditEvent.objects.filter(action="person.reveal", object_id=str(person.pk), actor=demo.township).count() == 1

    own = Person.objects.filter(region_id=demo.accountant.role_assignments.get().region_id).first()
    resp = as_user(demo.accountant).post(f"/people/{own.pk}/reveal/")
    assert resp.status_code == 403 and "无权访问" in resp.content.decode()  # the one 403 page, no catch block
    assert AuditEvent.objects.filter(action="permission_denied", actor=demo.accountant, object_type="regions.person.reveal", object_id=str(own.pk)).count() == 1

    # Another township's person: not even found.
    assert as_user(demo.other_township).post(f"/people/{person.pk}/reveal/").status_code == 404


def test_people_of_other_villages_are_not_listed(demo, as_user):
    other = Person.objects.filter(region_id=demo.other_accountant.role_assignments.get().region_id).first()
    page = as_user(demo.accountant).get("/people/").content.decode()
    assert other.masked_id_number not in page
