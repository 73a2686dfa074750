import rules

from policies.rules import is_board_admin

rules.add_perm("people.manage_people", is_board_admin)
