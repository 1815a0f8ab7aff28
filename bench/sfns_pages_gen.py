#!/usr/bin/env python3
"""sfns_pages_gen.py — request bodies of the sfns preMap benchmarks (bench/sfns_js.sh): one page of
Salesforce records of realistic shape for sfnsAccountToCustomer, sfnsContactToContact or
sfnsOpportunityToSalesOrder, with the settings of a multi-subsidiary, multi-currency org.

The records are built at run time from the shared sample data (nothing is copied into the
repository) and reshaped as a Salesforce REST/SOQL export delivers them (attributes.url,
18-character Ids, audit fields), varied per index:

* accounts: apex-recipes/Accounts.json and dcarroll-data-import-test-org/Account.json; addresses
  in the US, Canada, the UK, Germany and France (names, codes, multi-line streets), each with the
  NetSuite customer a lookup found (_current, about two thirds: some unchanged, some with an
  order, some older or newer), a stored sync hash, a few echoes of the integration user, two
  customers for one Account, unknown countries and bad web addresses;
* contacts: coral-cloud/data-Contact-large.json and apex-recipes/Contacts.json, on Accounts named
  after apex-recipes/Accounts.json, each with the NetSuite candidates a lookup found
  (netsuiteMatches): the same person (e-mail case or +tag, nickname, phone format), without an
  e-mail, namesakes at other companies, relatives at the same company, a same-named contact with
  another phone (review), Salesforce duplicates on one page, echoes, missing names;
* opportunities: names from apex-recipes/Opportunities.json and dcarroll's Opportunity.json,
  products from ebikes-lwc/Product__cs.json (their MSRP as list price) in a catalog with item
  names, a legacy map and two bundles; 1 to 6 line items (SortOrder, Discount), USD, EUR, GBP, CAD
  and JPY Opportunities ordered in their own currency or converted at dated rates, opportunity
  discounts, quotes, unmapped products and Amounts that do not match.

Deterministic for a given --seed. Prints the record count and the body's size.

Usage: sfns_pages_gen.py --function NAME --data-dir DIR --records N [--seed S] --out FILE
"""
import argparse
import json
import os
import random
import sys
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sfns_invoice_gen import sf_id  # noqa: E402  (one Salesforce Id generator for every page)

API = "/services/data/v58.0/sobjects/"
INTEGRATION_USER = sf_id("005", 999)
OWNERS = [sf_id("005", n) for n in range(1, 9)]


def load(data_dir, rel):
    with open(os.path.join(data_dir, rel), encoding="utf-8") as f:
        return json.load(f)["records"]


def pick(rec, *names):
    """The first of names the record holds, whatever its key case."""
    low = {k.lower(): v for k, v in rec.items()}
    for n in names:
        v = low.get(n.lower())
        if v not in (None, ""):
            return v
    return None


def attrs(kind, rid):
    return {"type": kind, "url": API + kind + "/" + rid}


def stamp(rnd, base, days):
    t = base - timedelta(days=rnd.randint(0, days), minutes=rnd.randint(0, 1439))
    return t


def sf_time(d):
    return "%04d-%02d-%02dT%02d:%02d:00.000+0000" % (d.year, d.month, d.day, d.hour, d.minute)


def ns_time(d):
    return "%04d-%02d-%02dT%02d:%02d:00.000Z" % (d.year, d.month, d.day, d.hour, d.minute)


# ---- accounts ------------------------------------------------------------------------------------

# Places outside the sample data's US addresses: (country as written, city, state as written, zip).
FOREIGN = [
    ("Canada", "Toronto", "Ontario", "M5V 2T6"), ("CA", "Montreal", "QC", "H3A 1B9"),
    ("Canada", "Vancouver", "British Columbia", "V6B 1A1"), ("United Kingdom", "London", "", "EC1A 1BB"),
    ("UK", "Manchester", "Greater Manchester", "M1 1AE"), ("Germany", "Berlin", "", "10115"),
    ("DE", "Hamburg", "", "20095"), ("France", "Paris", "", "75002"), ("FR", "Lyon", "", "69002"),
]
INDUSTRY_IDS = {"Electronics": "3", "Apparel": "7", "Construction": "5", "Consulting": "9",
                "Hospitality": "11", "Energy": "12", "Transportation": "14", "Education": "15",
                "Major Banks": "21", "Business Services": "22", "Semiconductors": "23",
                "Restaurants": "24", "Biotechnology: Laboratory Analytical Instruments": "25"}
TERMS = {"Net 15": "1", "Net 30": "2", "Net 60": "4", "Due on receipt": "5"}
CURRENCY_IDS = {"USD": "1", "GBP": "2", "CAD": "3", "EUR": "4", "JPY": "5"}


def account_settings():
    return {"sfns": {
        "salesforceIntegrationUserId": INTEGRATION_USER,
        "netsuiteIntegrationUserId": "-5",
        "accounts": {
            "subsidiaryByCountry": {"US": "1", "CA": "2", "GB": "3"},
            "regions": {"EU": ["DE", "FR", "NL", "IE", "ES", "IT"]},
            "subsidiaryByRegion": {"EU": "4"},
            "salesRepByOwner": {o[:15]: str(40 + i) for i, o in enumerate(OWNERS[:6])},
            "categoryByIndustry": INDUSTRY_IDS,
            "currencies": {k: v for k, v in CURRENCY_IDS.items() if k != "JPY"},
            "defaultCurrency": "USD",
            "termsField": "Payment_Terms__c",
            "termsByName": TERMS,
            "ownership": {"phone": "newest"}}}}


def account_page(rnd, data_dir, n):
    src = load(data_dir, "apex-recipes/Accounts.json") + load(data_dir, "dcarroll-data-import-test-org/Account.json")
    now = date(2024, 6, 15)
    base = __import__("datetime").datetime(2024, 6, 15, 12, 0)
    out = []
    for i in range(n):
        s = src[i % len(src)]
        rid = sf_id("001", 5000 + i)
        name = pick(s, "Name") + ("" if i < len(src) else " %d" % (i // len(src) + 1))
        street = pick(s, "BillingStreet") or "%d Market Street" % (100 + i)
        city, state, zipc, country = (pick(s, "BillingCity") or "Austin", pick(s, "BillingState") or "TX",
                                      pick(s, "BillingPostalCode") or "78701", pick(s, "BillingCountry") or "United States")
        currency = "USD"
        r = rnd.random()
        if r < 0.3:
            country, city, state, zipc = rnd.choice(FOREIGN)
            currency = {"C": "CAD", "U": "GBP"}.get(country[0], "EUR")
        elif r < 0.45:
            country = rnd.choice(["USA", "US", "United States of America"])
        if rnd.random() < 0.25:
            street = street + "\nSuite %d" % rnd.randint(100, 999)
        if rnd.random() < 0.02:
            country = "Narnia"
        website = pick(s, "Website") or "www.%s.example" % name.split()[0].lower()
        if rnd.random() < 0.02:
            website = "see our site"
        industry = pick(s, "Industry")
        rec = {
            "attributes": attrs("Account", rid), "Id": rid, "Name": name,
            "Phone": pick(s, "Phone"), "Fax": pick(s, "Fax"), "Website": website,
            "Industry": industry, "OwnerId": rnd.choice(OWNERS),
            "ParentId": sf_id("001", 4000 + rnd.randint(0, 20)) if rnd.random() < 0.2 else None,
            "CurrencyIsoCode": currency,
            "BillingStreet": street, "BillingCity": city, "BillingState": state or None,
            "BillingPostalCode": zipc, "BillingCountry": country,
            "ShippingStreet": pick(s, "ShippingStreet"), "ShippingCity": pick(s, "ShippingCity"),
            "ShippingState": pick(s, "ShippingState"), "ShippingPostalCode": pick(s, "ShippingPostalCode"),
            "ShippingCountry": pick(s, "ShippingCountry") or ("United States" if pick(s, "ShippingStreet") else None),
            "Payment_Terms__c": rnd.choice(list(TERMS) + [None]),
            "NetSuite_Id__c": None,
            "Sfns_Sync_Hash__c": None,
            "LastModifiedById": INTEGRATION_USER if rnd.random() < 0.05 else rnd.choice(OWNERS),
            "LastModifiedDate": sf_time(stamp(rnd, base, 30)),
        }
        if rnd.random() < 0.65:
            cid = str(8000 + i)
            rec["NetSuite_Id__c"] = cid
            rec["Sfns_Sync_Hash__c"] = "%064x" % rnd.getrandbits(256)
            same = rnd.random() < 0.3
            cur = {
                "id": cid, "externalid": rid,
                "companyname": name if same or rnd.random() < 0.5 else name + " Inc",
                "phone": rec["Phone"] if same or rnd.random() < 0.6 else "(555) 010-%04d" % rnd.randint(0, 9999),
                "fax": rec["Fax"], "url": website if rnd.random() < 0.7 else "http://old.example.com/",
                "category": {"internalId": INDUSTRY_IDS.get(industry, "99"), "name": industry or "Other"},
                "salesrep": {"internalId": str(40 + OWNERS.index(rec["OwnerId"])), "name": "Rep"},
                "subsidiary": {"internalId": "1", "name": "Parent Company"},
                "currency": {"internalId": CURRENCY_IDS[currency], "name": currency},
                "terms": {"internalId": TERMS.get(rec["Payment_Terms__c"], "2"), "name": rec["Payment_Terms__c"] or "Net 30"},
                "firstorderdate": (now - timedelta(days=rnd.randint(1, 700))).isoformat() if rnd.random() < 0.4 else None,
                "lastmodifieddate": ns_time(stamp(rnd, base, 60)),
                "lastmodifiedby": {"internalId": str(rnd.randint(1, 50)), "name": "Employee"},
                "custentity_sfns_sync_hash": "%064x" % rnd.getrandbits(256),
                "addressbook": [{"defaultbilling": True, "defaultshipping": False, "label": "Billing",
                                 "addressbookaddress": {"addr1": street.split("\n")[0], "city": city,
                                                        "state": state, "zip": zipc, "country": {"internalId": "US" if country.startswith("U") else country[:2].upper(), "name": country}}}],
            }
            rec["_current"] = [cur, dict(cur, id=str(9000 + i))] if rnd.random() < 0.03 else [cur]
        else:
            rec["_current"] = [] if rnd.random() < 0.5 else None
        out.append(rec)
    return out, account_settings()


# ---- contacts ------------------------------------------------------------------------------------

NICKNAMES = {"Robert": "Bob", "William": "Bill", "Margaret": "Peggy", "Elizabeth": "Liz", "James": "Jim",
             "Katherine": "Kate", "Michael": "Mike", "Thomas": "Tom", "Richard": "Dick", "Jennifer": "Jen"}


def phone_variant(rnd, p):
    digits = "".join(c for c in p if c.isdigit())[-10:]
    if len(digits) < 10:
        return p
    return rnd.choice(["(%s) %s-%s" % (digits[:3], digits[3:6], digits[6:]), "%s-%s-%s" % (digits[:3], digits[3:6], digits[6:]),
                       "+1 %s %s %s" % (digits[:3], digits[3:6], digits[6:]), digits])


def contact_page(rnd, data_dir, n):
    people = load(data_dir, "coral-cloud/data-Contact-large.json") + load(data_dir, "apex-recipes/Contacts.json")
    companies = [pick(a, "Name") for a in load(data_dir, "apex-recipes/Accounts.json")]
    accounts = [(sf_id("001", 7000 + k), companies[k % len(companies)]) for k in range(40)]
    base = __import__("datetime").datetime(2024, 6, 15, 12, 0)
    out = []
    dup_of = []
    cand = 70000
    for i in range(n):
        if dup_of and rnd.random() < 0.06:
            # a second Salesforce record of a person already on the page
            orig = rnd.choice(dup_of)
            rec = dict(orig)
            rid = sf_id("003", 20000 + i)
            rec["attributes"] = attrs("Contact", rid)
            rec["Id"] = rid
            rec["Email"] = (orig.get("Email") or "").upper() or None
            rec["netsuiteMatches"] = []
            out.append(rec)
            continue
        p = people[(i * 7) % len(people)]
        first, last = pick(p, "FirstName") or "Alex", pick(p, "LastName") or "Doe"
        acc_id, acc_name = accounts[rnd.randrange(len(accounts))]
        email = pick(p, "Email") or "%s.%s@%s.example" % (first.lower(), last.lower(), acc_name.split()[0].lower())
        phone = pick(p, "Phone") or "(%03d) 555-%04d" % (200 + i % 700, rnd.randint(0, 9999))
        mobile = pick(p, "MobilePhone")
        rid = sf_id("003", 10000 + i)
        rec = {
            "attributes": attrs("Contact", rid), "Id": rid, "AccountId": acc_id,
            "Account": {"attributes": attrs("Account", acc_id), "Name": acc_name},
            "Salutation": rnd.choice(["Mr.", "Ms.", "Dr.", None]), "FirstName": first, "LastName": last,
            "Title": pick(p, "Title") or rnd.choice(["Buyer", "CFO", "Office Manager", "VP Operations"]),
            "Email": email, "Phone": phone, "MobilePhone": mobile,
            "MailingCity": pick(p, "MailingCity"), "MailingCountry": pick(p, "MailingCountry"),
            "LastModifiedById": INTEGRATION_USER if rnd.random() < 0.02 else rnd.choice(OWNERS),
            "LastModifiedDate": sf_time(stamp(rnd, base, 30)),
        }
        if rnd.random() < 0.01:
            rec["LastName"] = None
        company = {"internalId": str(3000 + accounts.index((acc_id, acc_name))), "externalId": acc_id, "name": acc_name + rnd.choice(["", ", Inc.", " LLC"])}

        def ns(fn, ln, em, ph, comp):
            nonlocal cand
            cand += 1
            return {"internalId": str(cand), "entityId": "%s %s" % (fn, ln), "firstName": fn, "lastName": ln,
                    "email": em, "phone": ph, "mobilePhone": None, "company": comp}
        r = rnd.random()
        matches = []
        if r < 0.45:
            em = email.upper() if rnd.random() < 0.3 else email
            if rnd.random() < 0.1:
                em = em.replace("@", "+crm@", 1)
            matches.append(ns(NICKNAMES.get(first, first), last, em, phone_variant(rnd, phone), company))
        elif r < 0.55:
            matches.append(ns(first, last, None, phone_variant(rnd, phone), company))
        elif r < 0.63:
            other = accounts[rnd.randrange(len(accounts))]
            matches.append(ns(first, last, "%s.%s@other.example" % (first.lower(), last.lower()), None,
                              {"internalId": "3999", "externalId": other[0], "name": other[1]}))
            matches.append(ns(first, last, email, phone, company))
        elif r < 0.68:
            matches.append(ns(rnd.choice(["Nora", "Ned", "Ida", "Otto"]), last, None, phone, company))
        elif r < 0.72:
            matches.append(ns(first, last, None, "(555) 019-%04d" % rnd.randint(0, 9999), company))
        rec["netsuiteMatches"] = matches
        out.append(rec)
        dup_of.append(rec)
    return out, {"sfns": {"salesforceIntegrationUserId": INTEGRATION_USER, "contacts": {}}}


# ---- opportunities -------------------------------------------------------------------------------

# Units of each currency per 1 USD (the corporate currency) at the start of 2024, drifting monthly.
RATE0 = {"EUR": Decimal("0.92"), "GBP": Decimal("0.79"), "CAD": Decimal("1.35"), "JPY": Decimal("149.875")}
PLACES = {"USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "JPY": 0}
BUNDLES = {
    "EB-STARTER-KIT": {"components": [{"item": "311", "quantity": 1, "weight": 5, "description": "Helmet"},
                                      {"item": "312", "quantity": 2, "weight": 3},
                                      {"item": "313", "quantity": 3, "weight": 2}]},
    "EB-SERVICE-PACK": {"components": [{"item": "321", "quantity": 1, "weight": 7},
                                       {"item": "322", "quantity": 4, "weight": 1}]},
}


def rates_2024(rnd):
    out = []
    for cur, r0 in RATE0.items():
        r = r0
        for month in range(1, 13):
            out.append({"currency": cur, "rate": str(r), "date": "2024-%02d-01" % month})
            step = (Decimal(rnd.randint(-150, 150)) / Decimal(10000)) * r
            r = (r + step).quantize(Decimal(1).scaleb(-(3 if cur == "JPY" else 4)))
    return out


def money(x, places):
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def opportunity_page(rnd, data_dir, n):
    names = [pick(o, "Name") for o in load(data_dir, "apex-recipes/Opportunities.json") + load(data_dir, "dcarroll-data-import-test-org/Opportunity.json")]
    products = [(pick(p, "Name"), Decimal(str(pick(p, "MSRP__c")))) for p in load(data_dir, "ebikes-lwc/Product__cs.json")]
    items = {}
    for k, (pname, _) in enumerate(products):
        items["Bikes : " + pname] = str(2100 + k)
    catalog = {"normalise": {"stripPrefixes": ["EB-"]}, "items": items,
               "map": {"LEGACY-FUSE-1": "2100", "LEGACY-VOLT-1": "2112"}, "bundles": BUNDLES}
    settings = {"sfns": {
        "currency": {"corporateCurrency": "USD", "rates": rates_2024(rnd), "maxRateAgeDays": 62,
                     "netsuiteIds": CURRENCY_IDS},
        "catalog": catalog,
        "orders": {"defaultSubsidiary": "1", "poNumberField": "PO_Number__c",
                   "salesRepByOwner": {o[:15]: str(40 + i) for i, o in enumerate(OWNERS[:6])},
                   "orderCurrencyField": "_customer.currency", "orderStatus": "B",
                   "orderDiscountPercentField": "Discount_Percent__c", "estimateStatus": "10"}}}
    factor = {"USD": Decimal(1), "EUR": Decimal("0.92"), "GBP": Decimal("0.79"), "CAD": Decimal("1.35"), "JPY": Decimal(150)}
    out = []
    for i in range(n):
        rid = sf_id("006", 30000 + i)
        cur = rnd.choices(["USD", "EUR", "GBP", "CAD", "JPY"], [55, 20, 15, 5, 5])[0]
        places = PLACES[cur]
        close = date(2024, 1, 10) + timedelta(days=rnd.randint(0, 340))
        lines = []
        total = Decimal(0)
        for k in range(rnd.randint(1, 6)):
            r = rnd.random()
            if r < 0.12:
                code, pname, price = rnd.choice(list(BUNDLES)), "Starter Kit", Decimal("199.99")
                if code == "EB-SERVICE-PACK":
                    pname, price = "Service Pack", Decimal("349.00")
            elif r < 0.16:
                code, pname, price = rnd.choice(["LEGACY-FUSE-1", "LEGACY-VOLT-1"]), "Legacy bike", Decimal(1500)
            else:
                pname, price = rnd.choice(products)
                code = rnd.choice(["EB-", "eb-", ""]) + pname.replace(" ", rnd.choice(["-", " ", ""]))
            if rnd.random() < 0.02:
                code = "EB-UNKNOWN-%d" % rnd.randint(1, 99)
            unit = money(price * factor[cur], places)
            qty = Decimal(rnd.choice([1, 1, 1, 2, 2, 3, 5, 10]))
            disc = rnd.choice([None, None, None, Decimal(5), Decimal(10), Decimal("12.5")])
            net = qty * unit if disc is None else qty * unit * (100 - disc) / 100
            total += money(net, places)
            lid = sf_id("00k", 100000 + i * 10 + k)
            lines.append({"attributes": attrs("OpportunityLineItem", lid), "Id": lid,
                          "SortOrder": k + 1 if rnd.random() < 0.9 else None,
                          "Quantity": float(qty), "UnitPrice": float(unit), "TotalPrice": float(money(net, places)),
                          "Discount": None if disc is None else float(disc),
                          "Description": None if rnd.random() < 0.7 else "%s for %s" % (pname, names[i % len(names)]),
                          "PricebookEntry": {"attributes": attrs("PricebookEntry", sf_id("01u", 500 + k)),
                                             "Product2": {"attributes": attrs("Product2", sf_id("01t", 600 + k)),
                                                          "Name": pname, "ProductCode": code}}})
        rnd.shuffle(lines)
        amount = total + (Decimal(1) if rnd.random() < 0.03 else 0)
        order_cur = cur if rnd.random() < 0.7 else "USD"
        owner = rnd.choice(OWNERS)
        rec = {"attributes": attrs("Opportunity", rid), "Id": rid, "Name": names[i % len(names)],
               "AccountId": sf_id("001", 5000 + rnd.randint(0, 199)), "CloseDate": close.isoformat(),
               "StageName": "Closed Won", "IsWon": True, "Amount": float(amount) if places else int(amount),
               "CurrencyIsoCode": cur, "OwnerId": owner, "Probability": 100,
               "Description": rnd.choice([None, "Fleet refresh", "Spring order", "Replacement bikes"]),
               "PO_Number__c": "PO-%05d" % rnd.randint(1, 99999) if rnd.random() < 0.6 else None,
               "Discount_Percent__c": rnd.choice([None] * 8 + [5, 2.5]),
               "_customer": {"internalId": str(8000 + i), "currency": {"internalId": CURRENCY_IDS[order_cur], "name": order_cur}},
               "OpportunityLineItems": {"totalSize": len(lines), "done": True, "records": lines}}
        if rnd.random() < 0.1:
            rec["_sfnsRoute"] = "quote"
        out.append(rec)
    return out, settings


PAGES = {"sfnsAccountToCustomer": account_page, "sfnsContactToContact": contact_page,
         "sfnsOpportunityToSalesOrder": opportunity_page}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--function", required=True, choices=sorted(PAGES))
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    records, settings = PAGES[a.function](rnd, a.data_dir, a.records)
    body = {"diy": True, "function": a.function, "options": {
        "data": records, "settings": settings, "_importId": "5f1e0c0a8b9d4e0012345678",
        "_flowId": "5f1e0c0a8b9d4e0087654321", "_integrationId": "5f1e0c0a8b9d4e0011112222",
        "bearerToken": "bench-bearer-token", "testMode": False}}
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    print("records=%d bytes=%d" % (len(records), len(text.encode())))


if __name__ == "__main__":
    main()
