"""Hand-written people, products and company names of the Ledgerly demo workspace.

Plain tuples only; `content.py` turns them into records. Every company is invented.
"""

from __future__ import annotations

DOMAIN = "ledgerly.example"

# (local part, name, role, title)
USERS: tuple[tuple[str, str, str, str], ...] = (
    ("maya.okafor", "Maya Okafor", "owner", "Head of Product"),
    ("daniel.reyes", "Daniel Reyes", "pm", "Product Manager, Payments"),
    ("priya.natarajan", "Priya Natarajan", "engineer", "Engineering Lead, Invoicing"),
    ("tomasz.kowalczyk", "Tomasz Kowalczyk", "engineer", "Engineering Lead, Payments"),
    ("grace.lindqvist", "Grace Lindqvist", "stakeholder", "Account Executive, Enterprise"),
    ("jonah.price", "Jonah Price", "stakeholder", "Account Executive, Mid-market"),
    ("samir.haddad", "Samir Haddad", "stakeholder", "Customer Success Manager"),
    ("lena.fischer", "Lena Fischer", "stakeholder", "Support Lead"),
    ("oliver.brandt", "Oliver Brandt", "stakeholder", "COO"),
)

# Who files what: the local parts of the people who usually log each source.
REPORTERS_BY_SOURCE: dict[str, tuple[str, ...]] = {
    "sales_call": ("grace.lindqvist", "jonah.price", "jonah.price", "grace.lindqvist", "samir.haddad"),
    "support": ("lena.fischer", "lena.fischer", "lena.fischer", "samir.haddad"),
    "survey": ("samir.haddad", "maya.okafor", "daniel.reyes"),
    "interview": ("maya.okafor", "daniel.reyes", "maya.okafor", "daniel.reyes", "priya.natarajan"),
    "usage": ("daniel.reyes", "maya.okafor", "tomasz.kowalczyk", "priya.natarajan"),
    "other": ("oliver.brandt", "samir.haddad", "maya.okafor", "grace.lindqvist", "lena.fischer"),
}

# Account owners by segment (local parts).
ACCOUNT_OWNERS: dict[str, tuple[str, ...]] = {
    "enterprise": ("grace.lindqvist", "grace.lindqvist", "samir.haddad"),
    "mid_market": ("jonah.price", "jonah.price", "samir.haddad", "grace.lindqvist"),
    "smb": ("samir.haddad", "jonah.price"),
    "startup": ("samir.haddad", "jonah.price"),
}

# (key, name, description)
PRODUCTS: tuple[tuple[str, str, str], ...] = (
    (
        "invoicing",
        "Ledgerly Invoicing",
        "Create, approve and send invoices; recurring and usage-based billing; accounting sync "
        "(NetSuite, QuickBooks, Xero) and the public API.",
    ),
    (
        "payments",
        "Ledgerly Payments",
        "Collect card, ACH and bank-transfer payments against invoices; payouts, reconciliation, "
        "disputes and cash reporting.",
    ),
)

# (name, currency, city) per segment. More names than needed; `build_customers` samples.
COMPANIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "enterprise": (
        ("Halvorsen Freight Group", "USD", "Chicago"),
        ("Corvane Health Systems", "USD", "Minneapolis"),
        ("Brightwater Utilities", "GBP", "Bristol"),
        ("Meridian Cold Chain", "USD", "Atlanta"),
        ("Oakhurst Hotel Group", "GBP", "London"),
        ("Kessler-Brandt Industrie AG", "EUR", "Stuttgart"),
        ("Pelican Bay Logistics", "USD", "Houston"),
        ("Stonegate Facilities Management", "USD", "Newark"),
        ("Vantara Telecom", "EUR", "Rotterdam"),
        ("Aurelian Medical Supply", "USD", "Denver"),
        ("Northgate Property Partners", "GBP", "Manchester"),
        ("Redfern Engineering", "USD", "Pittsburgh"),
        ("Castellan Retail Brands", "USD", "Columbus"),
    ),
    "mid_market": (
        ("Tidewell Staffing", "USD", "Tampa"),
        ("Copperline Construction", "USD", "Phoenix"),
        ("Fennick & Rowe Consulting", "GBP", "Leeds"),
        ("Lumen Grid Analytics", "USD", "Austin"),
        ("Saltmarsh Marine Services", "GBP", "Southampton"),
        ("Quillon Legal Services", "USD", "Boston"),
        ("Greystone Field Services", "USD", "Omaha"),
        ("Vireo Clinical Research", "EUR", "Leiden"),
        ("Harborview Dental Group", "USD", "Seattle"),
        ("Atlas Crane & Rigging", "USD", "Baton Rouge"),
        ("Bellwether Media", "USD", "Brooklyn"),
        ("Kinsale Software", "EUR", "Cork"),
        ("Marlowe Security", "GBP", "Birmingham"),
        ("Prairie Fold Packaging", "USD", "Wichita"),
        ("Cobalt Ridge IT", "USD", "Raleigh"),
        ("Eastbrook Veterinary Partners", "USD", "Hartford"),
        ("Ostrava Components", "EUR", "Vienna"),
        ("Juniper Lane Events", "USD", "Nashville"),
        ("Westmark Insurance Brokers", "GBP", "Edinburgh"),
        ("Tallgrass Agritech", "USD", "Des Moines"),
        ("Lindqvist Marine Parts", "EUR", "Hamburg"),
    ),
    "smb": (
        ("Pinecrest Plumbing & Heating", "USD", "Spokane"),
        ("Studio Marais", "EUR", "Lyon"),
        ("Little Anchor Print Co.", "GBP", "Brighton"),
        ("Hollis Bookkeeping", "USD", "Albany"),
        ("Greenleaf Landscaping", "USD", "Charlotte"),
        ("Blue Heron Translations", "EUR", "Ghent"),
        ("Kiln & Co. Ceramics", "GBP", "Stoke-on-Trent"),
        ("Summit Physio", "USD", "Boulder"),
        ("Maple Street Tutors", "USD", "Ann Arbor"),
        ("Rivet Creative", "USD", "Portland"),
        ("Driftwood Yacht Care", "GBP", "Falmouth"),
        ("Tandem Bike Works", "USD", "Madison"),
        ("Adeyemi Electrical", "GBP", "Croydon"),
        ("Lakeside Dog Training", "USD", "Burlington"),
        ("Fjord Coffee Roasters", "EUR", "Copenhagen"),
        ("Crescent Moving & Storage", "USD", "Tucson"),
        ("Beacon Hill Architects", "USD", "Providence"),
        ("Wren & Fox Interiors", "GBP", "Bath"),
        ("Ironbark Fencing", "USD", "Boise"),
        ("Pixel Orchard", "USD", "Sacramento"),
        ("Solano Event Rentals", "USD", "Fresno"),
        ("Hartley Accounting Partners", "GBP", "Norwich"),
    ),
    "startup": (
        ("Quanta Loop", "USD", "San Francisco"),
        ("Fernweh Travel Labs", "EUR", "Berlin"),
        ("Parcelbird", "USD", "Brooklyn"),
        ("Stackwise", "USD", "Austin"),
        ("Nimbleship", "GBP", "London"),
        ("Hexfield AI", "USD", "Palo Alto"),
        ("Moss & Byte", "USD", "Denver"),
        ("Shiftplan", "EUR", "Munich"),
        ("Orbitdesk", "USD", "Toronto"),
        ("Glowroot", "USD", "Miami"),
        ("Crumbly", "GBP", "Glasgow"),
        ("Polymer Health", "USD", "Boston"),
        ("Runloop", "USD", "Seattle"),
        ("Tessellate Data", "EUR", "Amsterdam"),
    ),
}

SEGMENT_COUNTS: dict[str, int] = {"enterprise": 10, "mid_market": 18, "smb": 20, "startup": 12}

# ARR range in whole currency units per segment.
ARR_RANGES: dict[str, tuple[int, int]] = {
    "enterprise": (150_000, 900_000),
    "mid_market": (30_000, 150_000),
    "smb": (5_000, 30_000),
    "startup": (1_000, 8_000),
}

PLANS: dict[str, tuple[str, ...]] = {
    "enterprise": ("Enterprise", "Enterprise", "Enterprise Plus"),
    "mid_market": ("Business", "Business", "Business Plus"),
    "smb": ("Growth", "Growth", "Essentials"),
    "startup": ("Starter", "Starter", "Growth"),
}

# Accounting system and CRM each segment tends to run.
LEDGERS: dict[str, tuple[str, ...]] = {
    "enterprise": ("NetSuite", "NetSuite", "NetSuite", "Sage Intacct", "SAP"),
    "mid_market": ("NetSuite", "NetSuite", "Sage Intacct", "QuickBooks", "Xero"),
    "smb": ("QuickBooks", "QuickBooks", "Xero", "Xero", "FreshBooks"),
    "startup": ("QuickBooks", "Xero", "Xero", "QuickBooks"),
}
CRMS: dict[str, tuple[str, ...]] = {
    "enterprise": ("Salesforce", "Salesforce", "Salesforce", "HubSpot"),
    "mid_market": ("Salesforce", "HubSpot", "HubSpot"),
    "smb": ("HubSpot", "Pipedrive", "none"),
    "startup": ("HubSpot", "none", "Attio"),
}

COMPETITORS: tuple[str, ...] = ("Billwise", "InvoiceHub", "Billwise", "InvoiceHub", "Tallyroll")

CONTACT_FIRST_NAMES: tuple[str, ...] = (
    "Anja", "Marcus", "Deepa", "Tom", "Ines", "Kwame", "Rachel", "Luis", "Hannah", "Viktor", "Aoife",
    "Ben", "Chloe", "Dmitri", "Fatima", "Gavin", "Helena", "Ivan", "Jess", "Kenji", "Laura", "Mo",
    "Nadia", "Owen", "Pilar", "Rosa", "Sean", "Tara", "Uwe", "Wendy", "Yusuf", "Zoe",
)

CONTACT_ROLES: dict[str, tuple[str, ...]] = {
    "enterprise": ("VP Finance", "Controller", "AR manager", "Head of Shared Services", "CFO", "IT lead"),
    "mid_market": ("Controller", "Finance director", "AR lead", "CFO", "RevOps manager", "Head of Ops"),
    "smb": ("owner", "office manager", "bookkeeper", "co-founder", "finance person"),
    "startup": ("co-founder", "CTO", "founding engineer", "ops lead", "CEO"),
}

# Sentence fragments for customer notes; slots are filled in `build_customers`.
NOTE_STACK: tuple[str, ...] = (
    "Books in {ledger}; CRM is {crm}.",
    "{ledger} for the GL, {crm} for pipeline.",
    "Runs {ledger}. CRM: {crm}.",
    "Accounting: {ledger}. Sales team lives in {crm}.",
)
NOTE_TEAM: tuple[str, ...] = (
    "AR team of {team} in {city}.",
    "Finance team of {team}, based in {city}.",
    "{team} people touch billing; HQ in {city}.",
    "Small finance team ({team}) in {city}.",
)
NOTE_HISTORY: tuple[str, ...] = (
    "Switched from {competitor} in {year}.",
    "Evaluated {competitor} before signing.",
    "Came over from spreadsheets and Word templates.",
    "Was on {competitor} until {year}; still compares us to it.",
    "Referred by their auditors.",
    "Signed after a two-week trial.",
)
NOTE_RELATIONSHIP: tuple[str, ...] = (
    "Champion: {contact} ({role}).",
    "Main contact is {contact}, {role}.",
    "Decision maker: {contact} ({role}); very responsive.",
    "{contact} ({role}) files most tickets.",
    "Exec sponsor left in the spring; {contact} ({role}) is the new contact.",
)
NOTE_FLAGS: tuple[str, ...] = (
    "Renewal at risk: unhappy with sync errors.",
    "Wants to expand to a second entity next year.",
    "Pays annually upfront.",
    "Asked twice about volume discounts.",
    "Reference customer; happy to take calls.",
    "Heavy API user.",
    "Invoices mostly in {currency}.",
    "",
    "",
)

# Segments an anonymous survey answer or forum post is imagined to come from.
SEGMENTS_FOR_ANONYMOUS: tuple[str, ...] = ("mid_market", "smb", "smb", "startup", "enterprise")
