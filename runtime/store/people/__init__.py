"""People: regions, teams, business roles, and where each user sits in the
sales organisation (e-mail, team, region, manager, business roles).

Storage only, like :mod:`runtime.store.users`: every function takes the
caller's ``Session`` and runs inside the caller's transaction; writes take
``actor`` and ``now`` and never read the clock. Every change appends an audit
entry (``people.region.create``, ``people.user.update``…) with the before and
after of what changed, never a password or its hash.

Refusals are :class:`PeopleError` (a ``ValueError`` and a ``StoreError``) and
name the field they are about, in both languages. Nothing cascades silently:
a region, team or role still in use is not deleted (the refusal says by
whom), and deleting a user only deactivates it, because records and audit
entries keep referring to it.

Team, region and manager are independent attributes of a user: a team's own
region is not copied onto its members, and a member whose region differs
from the team's is not refused (teams are only *usually* inside one region).

The modules, one job each: :mod:`.refusals` (errors and field checks),
:mod:`.units` (regions, teams, roles), :mod:`.lookups` (:class:`Person` and
what the engine asks), :mod:`.checks` (a batch of user changes, checked
before anything is written), :mod:`.writes` (saving them) and
:mod:`.csv_import` (the CSV import of users).
"""

from __future__ import annotations

from runtime.store.people.checks import PersonChange, PersonItem, check_people
from runtime.store.people.lookups import (
    MAX_CHAIN,
    Person,
    list_people,
    manager_chain,
    people_named,
    person,
    person_by_username,
    rank_of,
    users_with_role,
)
from runtime.store.people.refusals import (
    EMAIL_PATTERN,
    RANKS,
    ROLE_KEY_PATTERN,
    UNIT_KEY_PATTERN,
    Duplicate,
    InUse,
    LastAdmin,
    NotFound,
    PeopleError,
    Refused,
)
from runtime.store.people.units import (
    TeamInfo,
    create_region,
    create_role,
    create_team,
    delete_region,
    delete_role,
    delete_team,
    get_region,
    get_role,
    get_team,
    list_regions,
    list_roles,
    list_teams,
    role_ranks,
    update_region,
    update_role,
    update_team,
)
from runtime.store.people.writes import (
    SavedPerson,
    create_person,
    deactivate_person,
    save_people,
    update_person,
)

__all__ = [
    "EMAIL_PATTERN",
    "MAX_CHAIN",
    "RANKS",
    "ROLE_KEY_PATTERN",
    "UNIT_KEY_PATTERN",
    "Duplicate",
    "InUse",
    "LastAdmin",
    "NotFound",
    "PeopleError",
    "Person",
    "PersonChange",
    "PersonItem",
    "Refused",
    "SavedPerson",
    "TeamInfo",
    "check_people",
    "create_person",
    "create_region",
    "create_role",
    "create_team",
    "deactivate_person",
    "delete_region",
    "delete_role",
    "delete_team",
    "get_region",
    "get_role",
    "get_team",
    "list_people",
    "list_regions",
    "list_roles",
    "list_teams",
    "manager_chain",
    "people_named",
    "person",
    "person_by_username",
    "rank_of",
    "role_ranks",
    "save_people",
    "update_person",
    "update_region",
    "update_role",
    "update_team",
    "users_with_role",
]
