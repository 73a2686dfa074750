import rules

from policies.rules import is_board_admin

rules.add_perm("reviews.manage_cycles", is_board_admin)
rules.add_perm("reviews.manage_frameworks", is_board_admin)
