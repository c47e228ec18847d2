from django.urls import path

from . import views

app_name = "coop"

# One block per topic (members and rosters, shares and the register, certificates, the
# distribution, joint ventures, the supervisory committee, public pages), each from its own
# `views/<topic>.py`.
urlpatterns = [
    # --- members and rosters ---
    path("coop/", views.coop_list, name="list"),
    path("coop/settings/", views.county_settings, name="settings"),
    path("coop/<int:pk>/", views.coop_detail, name="detail"),
    path("coop/<int:pk>/members/", views.members, name="members"),
    path("coop/<int:pk>/import/", views.import_members, name="import"),
    path("coop/<int:pk>/members/new/", views.member_new, name="member_new"),
    path("coop/<int:pk>/members/<int:member>/leave/", views.member_leave, name="member_leave"),
    path("coop/<int:pk>/rosters/", views.rosters, name="rosters"),
    path("coop/<int:pk>/rosters/new/", views.roster_draft, name="roster_draft"),
    path("coop/<int:pk>/rosters/<int:version>/", views.roster_detail, name="roster"),
    path("coop/<int:pk>/rosters/<int:version>/confirm/", views.roster_confirm, name="roster_confirm"),
    path("coop/<int:pk>/rosters/<int:version>/file/", views.roster_file, name="roster_file"),
    path("coop/<int:pk>/rosters/<int:version>/acknowledge/", views.roster_acknowledge, name="roster_acknowledge"),
    # --- shares, the register and certificates ---
    path("coop/<int:pk>/holdings/", views.holdings, name="holdings"),
    path("coop/<int:pk>/register/", views.register, name="register"),
    path("coop/<int:pk>/register/new/", views.change_new, name="change_new"),
    path("coop/<int:pk>/certificates/", views.certificates, name="certificates"),
    path("coop/<int:pk>/certificates/new/", views.certificate_new, name="certificate_new"),
    path("coop/<int:pk>/certificates/<str:number>/", views.certificate_detail, name="certificate"),
    path("coop/<int:pk>/certificates/<str:number>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    # --- the distribution ---
    path("coop/<int:pk>/distributions/", views.distributions, name="distributions"),
    path("coop/<int:pk>/distributions/<int:year>/", views.distribution, name="distribution"),
    path("coop/<int:pk>/distributions/<int:year>/publish/", views.distribution_publish, name="distribution_publish"),
    path("coop/<int:pk>/distributions/<int:year>/decide/", views.distribution_decide, name="distribution_decide"),
    path("coop/<int:pk>/distributions/<int:year>/withdraw/", views.distribution_withdraw, name="distribution_withdraw"),
    path("coop/<int:pk>/distributions/<int:year>/approve/", views.distribution_approve, name="distribution_approve"),
    path("coop/<int:pk>/distributions/<int:year>/reject/", views.distribution_reject, name="distribution_reject"),
    path("coop/<int:pk>/distributions/<int:year>/pay/", views.distribution_pay, name="distribution_pay"),
    path("coop/<int:pk>/distributions/<int:year>/bank-list/", views.distribution_bank_list, name="distribution_bank_list"),
    # --- joint ventures ---
    path("coop/<int:pk>/ventures/", views.ventures, name="ventures"),
    path("coop/<int:pk>/ventures/<int:venture>/profits/", views.venture_profit, name="venture_profit"),
    # --- the supervisory committee ---
    path("coop/<int:pk>/supervision/", views.supervision, name="supervision"),
    path("coop/<int:pk>/supervision/officers/<int:officer>/end/", views.officer_end, name="officer_end"),
    path("coop/<int:pk>/supervision/reviews/", views.review_new, name="review_new"),
    path("coop/<int:pk>/supervision/reviews/<int:review>/sign/", views.review_sign, name="review_sign"),
    # --- public pages (no login) ---
    path("coop/check/<str:number>/<str:token>/", views.public_check, name="public_check"),
    path("coop/lookup/", views.public_lookup, name="public_lookup"),
]
