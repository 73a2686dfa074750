import rules

from policies.rules import is_board_admin

rules.add_perm("summaries.view_dashboard", is_board_admin)
rules.add_perm("summaries.export", is_board_admin)
rules.add_perm("summaries.view_all_actions", is_board_admin)
rules.add_perm("summaries.carry_forward", is_board_admin)
