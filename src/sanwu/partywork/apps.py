from django.apps import AppConfig


class PartyworkConfig(AppConfig):
    name = "sanwu.partywork"
    label = "partywork"
    verbose_name = "党建工作"
