#!/usr/bin/env python3
"""Writes demo/src/main/resources/demo-org.ldif: the fictional Claromentis demo organisation.

Deterministic (no randomness, fixed order), so re-running it gives the same file byte for byte.
The LDIF is committed; this script is only needed to change the organisation.

    python3 demo/src/main/scripts/generate_demo_org.py

Demo passwords (documented, not secrets): every person has "Password1!", except the demo user
jane.doe, who has "Demo-Pass-2026!".
"""
import os

BASE = "dc=claromentis,dc=demo"
PEOPLE = "ou=people," + BASE
GROUPS = "ou=groups," + BASE
ROLES = "ou=roles," + BASE
DOMAIN = "claromentis.demo"
DEFAULT_PASSWORD = "Password1!"
PASSWORDS = {"jane.doe": "Demo-Pass-2026!"}

# (uid, given name, surname, title, office, department, manager uid)
# Listed top-down: CEO, directors, managers, staff.
PEOPLE_ROWS = [
    ("olivia.bennett", "Olivia", "Bennett", "Chief Executive Officer", "London", "Operations", None),
    ("grace.whitfield", "Grace", "Whitfield", "Executive Assistant to the CEO", "London", "Operations", "olivia.bennett"),

    # Directors
    ("david.clarke", "David", "Clarke", "Director of Engineering", "London", "Engineering", "olivia.bennett"),
    ("marcus.reid", "Marcus", "Reid", "Sales Director", "New York", "Sales", "olivia.bennett"),
    ("priya.shah", "Priya", "Shah", "HR Director", "Manchester", "HR", "olivia.bennett"),
    ("helen.fraser", "Helen", "Fraser", "Finance Director", "London", "Finance", "olivia.bennett"),
    ("sophie.turner", "Sophie", "Turner", "Marketing Director", "London", "Marketing", "olivia.bennett"),
    ("kwame.mensah", "Kwame", "Mensah", "IT Director", "Manchester", "IT", "olivia.bennett"),
    ("fiona.mackenzie", "Fiona", "Mackenzie", "Operations Director", "Edinburgh", "Operations", "olivia.bennett"),

    # Engineering
    ("jane.doe", "Jane", "Doe", "Engineering Manager", "London", "Engineering", "david.clarke"),
    ("liam.oconnor", "Liam", "O'Connor", "Engineering Manager", "Sydney", "Engineering", "david.clarke"),
    ("ravi.patel", "Ravi", "Patel", "Engineering Manager", "Manchester", "Engineering", "david.clarke"),
    ("tom.hughes", "Tom", "Hughes", "Senior Software Engineer", "London", "Engineering", "jane.doe"),
    ("aisha.khan", "Aisha", "Khan", "Software Engineer", "London", "Engineering", "jane.doe"),
    ("ben.carter", "Ben", "Carter", "Software Engineer", "London", "Engineering", "jane.doe"),
    ("chloe.evans", "Chloe", "Evans", "Front-end Developer", "London", "Engineering", "jane.doe"),
    ("daniel.wright", "Daniel", "Wright", "DevOps Engineer", "London", "Engineering", "jane.doe"),
    ("emma.roberts", "Emma", "Roberts", "QA Engineer", "London", "Engineering", "jane.doe"),
    ("freya.morris", "Freya", "Morris", "Junior Software Engineer", "London", "Engineering", "jane.doe"),
    ("jack.nguyen", "Jack", "Nguyen", "Senior Software Engineer", "Sydney", "Engineering", "liam.oconnor"),
    ("mia.wilson", "Mia", "Wilson", "Software Engineer", "Sydney", "Engineering", "liam.oconnor"),
    ("noah.taylor", "Noah", "Taylor", "Mobile Developer", "Sydney", "Engineering", "liam.oconnor"),
    ("zoe.martin", "Zoe", "Martin", "QA Engineer", "Sydney", "Engineering", "liam.oconnor"),
    ("harry.walsh", "Harry", "Walsh", "Software Engineer", "Manchester", "Engineering", "ravi.patel"),
    ("isla.campbell", "Isla", "Campbell", "Software Engineer", "Manchester", "Engineering", "ravi.patel"),
    ("omar.farouk", "Omar", "Farouk", "Site Reliability Engineer", "Manchester", "Engineering", "ravi.patel"),
    ("lewis.barker", "Lewis", "Barker", "Data Engineer", "Manchester", "Engineering", "ravi.patel"),

    # Sales
    ("sarah.goldberg", "Sarah", "Goldberg", "Sales Manager, North America", "New York", "Sales", "marcus.reid"),
    ("james.whitaker", "James", "Whitaker", "Sales Manager, UK and Ireland", "London", "Sales", "marcus.reid"),
    ("lucy.harper", "Lucy", "Harper", "Account Executive, APAC", "Sydney", "Sales", "marcus.reid"),
    ("carlos.rivera", "Carlos", "Rivera", "Account Executive", "New York", "Sales", "sarah.goldberg"),
    ("emily.chen", "Emily", "Chen", "Account Executive", "New York", "Sales", "sarah.goldberg"),
    ("michael.obrien", "Michael", "O'Brien", "Sales Development Representative", "New York", "Sales", "sarah.goldberg"),
    ("jessica.lee", "Jessica", "Lee", "Customer Success Manager", "New York", "Sales", "sarah.goldberg"),
    ("oliver.brooks", "Oliver", "Brooks", "Account Executive", "London", "Sales", "james.whitaker"),
    ("amelia.price", "Amelia", "Price", "Account Executive", "Manchester", "Sales", "james.whitaker"),
    ("ethan.murray", "Ethan", "Murray", "Sales Development Representative", "London", "Sales", "james.whitaker"),
    ("nina.petrova", "Nina", "Petrova", "Sales Operations Analyst", "London", "Sales", "james.whitaker"),

    # HR
    ("rebecca.hall", "Rebecca", "Hall", "HR Manager", "London", "HR", "priya.shah"),
    ("samuel.okafor", "Samuel", "Okafor", "Learning and Development Lead", "Manchester", "HR", "priya.shah"),
    ("natalie.young", "Natalie", "Young", "HR Business Partner", "London", "HR", "rebecca.hall"),
    ("george.adams", "George", "Adams", "Recruiter", "London", "HR", "rebecca.hall"),
    ("hannah.scott", "Hannah", "Scott", "HR Coordinator", "Manchester", "HR", "rebecca.hall"),

    # Finance
    ("andrew.kerr", "Andrew", "Kerr", "Financial Controller", "Edinburgh", "Finance", "helen.fraser"),
    ("peter.collins", "Peter", "Collins", "Financial Analyst", "London", "Finance", "helen.fraser"),
    ("katie.ross", "Katie", "Ross", "Accountant", "Edinburgh", "Finance", "andrew.kerr"),
    ("ian.stewart", "Ian", "Stewart", "Payroll Specialist", "Edinburgh", "Finance", "andrew.kerr"),
    ("maria.gonzalez", "Maria", "Gonzalez", "Accounts Payable Clerk", "Edinburgh", "Finance", "andrew.kerr"),

    # Marketing
    ("laura.bell", "Laura", "Bell", "Marketing Manager", "London", "Marketing", "sophie.turner"),
    ("ryan.foster", "Ryan", "Foster", "Content Marketing Specialist", "London", "Marketing", "laura.bell"),
    ("megan.ward", "Megan", "Ward", "Digital Marketing Executive", "London", "Marketing", "laura.bell"),
    ("alex.kim", "Alex", "Kim", "Graphic Designer", "New York", "Marketing", "laura.bell"),
    ("jordan.hayes", "Jordan", "Hayes", "Events Coordinator", "Manchester", "Marketing", "laura.bell"),

    # IT
    ("stuart.black", "Stuart", "Black", "IT Service Desk Manager", "Manchester", "IT", "kwame.mensah"),
    ("claire.murphy", "Claire", "Murphy", "Information Security Officer", "London", "IT", "kwame.mensah"),
    ("wei.zhang", "Wei", "Zhang", "Network Engineer", "Sydney", "IT", "kwame.mensah"),
    ("nathan.hill", "Nathan", "Hill", "Service Desk Analyst", "Manchester", "IT", "stuart.black"),
    ("sian.jones", "Sian", "Jones", "Service Desk Analyst", "London", "IT", "stuart.black"),
    ("ahmed.hassan", "Ahmed", "Hassan", "Systems Administrator", "Manchester", "IT", "stuart.black"),

    # Operations
    ("gordon.mcleod", "Gordon", "McLeod", "Facilities Manager", "Edinburgh", "Operations", "fiona.mackenzie"),
    ("patricia.morgan", "Patricia", "Morgan", "Office Manager", "New York", "Operations", "fiona.mackenzie"),
    ("rosie.lambert", "Rosie", "Lambert", "Office Manager", "London", "Operations", "fiona.mackenzie"),
    ("ella.thompson", "Ella", "Thompson", "Office Manager", "Sydney", "Operations", "fiona.mackenzie"),
    ("victoria.dunn", "Victoria", "Dunn", "Procurement Specialist", "Manchester", "Operations", "fiona.mackenzie"),
    ("eilidh.grant", "Eilidh", "Grant", "Office Coordinator", "Edinburgh", "Operations", "gordon.mcleod"),
    ("callum.douglas", "Callum", "Douglas", "Facilities Assistant", "Edinburgh", "Operations", "gordon.mcleod"),
]

DEPARTMENTS = ["Engineering", "Sales", "HR", "Finance", "Marketing", "IT", "Operations"]

# Cross-functional groups (flat: members are people, never other groups).
CROSS_FUNCTIONAL = [
    ("Intranet Steering Committee", "Owners of the Claromentis intranet roadmap",
     ["jane.doe", "sophie.turner", "laura.bell", "kwame.mensah", "rebecca.hall", "ryan.foster", "rosie.lambert"]),
    ("Security Champions", "Security advocates across teams",
     ["claire.murphy", "daniel.wright", "omar.farouk", "ahmed.hassan", "tom.hughes", "wei.zhang", "nina.petrova"]),
]

# Role groups: their members hold the Keycloak realm role (and the Claromentis role) of the group's name.
ROLE_GROUPS = [
    ("Intranet Editors", "May publish news and pages on the intranet",
     ["jane.doe", "laura.bell", "ryan.foster", "megan.ward", "rebecca.hall"]),
    ("Line Managers", "May approve leave and expenses for their teams", None),  # None: everyone with reports
]

# Fictional telephone ranges reserved for drama / documentation use.
PHONE_FORMATS = {
    "London": "+44 20 7946 0{:03d}",
    "Manchester": "+44 161 496 0{:03d}",
    "Edinburgh": "+44 131 496 0{:03d}",
    "New York": "+1 212 555 01{:02d}",  # 555-0100 to 555-0199 only
    "Sydney": "+61 2 5550 {:04d}",
}


def dn(uid):
    return "uid={},{}".format(uid, PEOPLE)


def group_dn(cn):
    return "cn={},{}".format(cn, GROUPS)


def role_dn(cn):
    return "cn={},{}".format(cn, ROLES)


def entry(lines):
    return "\n".join(lines) + "\n"


def main():
    uids = [row[0] for row in PEOPLE_ROWS]
    assert len(uids) == len(set(uids)), "duplicate uid"

    out = []
    out.append("# Claromentis demo organisation (fictional). Generated by demo/src/main/scripts/generate_demo_org.py.\n"
               "# Base DN: {}. {} people, groups under {}, role groups under ou=roles.\n"
               "# Demo passwords (not secrets): everyone has '{}', except jane.doe who has 'Demo-Pass-2026!'.\n"
               "version: 1\n".format(BASE, len(PEOPLE_ROWS), GROUPS, DEFAULT_PASSWORD))
    out.append(entry(["dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: claromentis"]))
    out.append(entry(["dn: " + PEOPLE, "objectClass: top", "objectClass: organizationalUnit", "ou: people"]))
    out.append(entry(["dn: " + GROUPS, "objectClass: top", "objectClass: organizationalUnit", "ou: groups"]))

    managers = {row[6] for row in PEOPLE_ROWS if row[6]}
    groups = [(d, "Everyone in the {} department".format(d), [r[0] for r in PEOPLE_ROWS if r[5] == d]) for d in DEPARTMENTS]
    groups.append(("All Staff", "Everyone in the organisation", uids))
    groups.append(("Managers", "Everyone with direct reports", [u for u in uids if u in managers]))
    groups.append(("London Office", "Everyone based in the London office", [r[0] for r in PEOPLE_ROWS if r[4] == "London"]))
    groups.extend(CROSS_FUNCTIONAL)

    roles = [(cn, description, members if members is not None else [u for u in uids if u in managers])
             for cn, description, members in ROLE_GROUPS]
    # What OpenLDAP's memberof overlay (or Active Directory) would show on each person: this in-memory directory
    # keeps no memberOf of its own, so the entries carry it.
    member_of = {uid: [] for uid in uids}
    for cn, _, members in groups:
        for m in members:
            member_of[m].append(group_dn(cn))
    for cn, _, members in roles:
        for m in members:
            member_of[m].append(role_dn(cn))

    phone_counters = {office: 0 for office in PHONE_FORMATS}
    for index, (uid, given, sn, title, office, dept, manager) in enumerate(PEOPLE_ROWS):
        assert office in PHONE_FORMATS, office
        assert dept in DEPARTMENTS, dept
        assert manager is None or manager in uids, manager
        phone_counters[office] += 1
        lines = [
            "dn: " + dn(uid),
            "objectClass: top",
            "objectClass: person",
            "objectClass: organizationalPerson",
            "objectClass: inetOrgPerson",
            "objectClass: extensibleObject",
            "uid: " + uid,
            "cn: {} {}".format(given, sn),
            "sn: " + sn,
            "givenName: " + given,
            "displayName: {} {}".format(given, sn),
            "mail: {}@{}".format(uid, DOMAIN),
            "title: " + title,
            "physicalDeliveryOfficeName: " + office,
            "departmentNumber: " + dept,
            "telephoneNumber: " + PHONE_FORMATS[office].format(phone_counters[office] * 10),
            "employeeNumber: E{}".format(1001 + index),
        ]
        if manager:
            lines.append("manager: " + dn(manager))
        lines += ["memberOf: " + group for group in member_of[uid]]
        lines.append("userPassword: " + PASSWORDS.get(uid, DEFAULT_PASSWORD))
        out.append(entry(lines))

    for cn, description, members in groups:
        assert members, cn
        assert all(m in uids for m in members), cn
        lines = ["dn: " + group_dn(cn), "objectClass: top", "objectClass: groupOfNames", "cn: " + cn,
                 "description: " + description]
        lines += ["member: " + dn(m) for m in members]
        out.append(entry(lines))

    out.append(entry(["dn: " + ROLES, "objectClass: top", "objectClass: organizationalUnit", "ou: roles"]))
    for cn, description, members in roles:
        assert members and all(m in uids for m in members), cn
        lines = ["dn: " + role_dn(cn), "objectClass: top", "objectClass: groupOfNames", "cn: " + cn,
                 "description: " + description]
        lines += ["member: " + dn(m) for m in members]
        out.append(entry(lines))

    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "demo-org.ldif")
    target = os.path.normpath(target)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(out))
    print("wrote {} ({} people, {} groups)".format(target, len(PEOPLE_ROWS), len(groups)))
    for cn, _, members in groups + roles:
        print("  {}: {}".format(cn, len(members)))


if __name__ == "__main__":
    main()
