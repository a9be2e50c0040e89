"""Lead a team session: start, the projector screen, the live count, reveal, the group's choice, the debrief."""

from modules.team import sessions as team
from modules.ui import signin
from modules.ui.widgets import team_lead

user = signin.require_user(*team.FACILITATOR_ROLES)
led = team_lead.led_session(user)
if led is None:
    team_lead.overview(user)
else:
    team_lead.session_screen(user, led)
