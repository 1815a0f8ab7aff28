#!/usr/bin/env python3
"""make_pages.py — build the POST /function request bodies for the load and JSON-floor benchmarks.

Each body is one integrator.io hook call on the conformance module's echo function:
  {"diy":true,"type":"hook","function":"doSomething",
   "options":{"data":[...Account records...],"_importId":"...","bearerToken":"..."}}
with a page of N Salesforce Account records of about 1 KB each (compact JSON, UTF-8).

The records are built at run time from the public sample data in the shared data folder (never
copied into the repository): the 50 Accounts of apex-recipes/Accounts.json give the varied core
(names, phones, addresses, industries), the 10 Accounts of dcarroll-data-import-test-org/Account.json
give the classic org fields (AccountNumber, Sic, Ownership, Rating, ...). Both are reshaped the way a
Salesforce REST query delivers an Account (attributes.url, 18-character Id, audit fields) and varied
per index (Id, name suffix, dates) so that no two records in a page are identical.

Usage: make_pages.py --data-dir DIR --out DIR [--sizes 1,20,100,1000]
Writes OUT/body-<N>.json for every size and prints one line per file: size, bytes, bytes/record.
"""
import argparse
import json
import os
import sys

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def sf_id(prefix, n):
    """A deterministic 18-character Salesforce-style Id: 3-char key prefix + 15 base-62 chars."""
    body = ""
    v = ((n + 1) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    for _ in range(12):
        body = B62[v % 62] + body
        v //= 62
    return prefix + "5g0" + body


def iso(day, sec):
    """A Salesforce datetime string (2023 plus `day` days, `sec` seconds), e.g. 2023-03-04T10:11:12.000+0000."""
    d = 1 + day % 365
    months = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    m = 0
    while d > months[m]:
        d -= months[m]
        m += 1
    return "2023-%02d-%02dT%02d:%02d:%02d.000+0000" % (m + 1, d, (sec // 3600) % 24,
                                                      (sec // 60) % 60, sec % 60)


def load_records(path):
    with open(path, encoding="utf-8") as f:
        recs = json.load(f)["records"]
    if not recs:
        sys.exit("make_pages: no records in %s" % path)
    return recs


def account(i, a, c):
    """Record number i from an apex-recipes Account `a` and a dcarroll Account `c`."""
    aid = sf_id("001", i)
    name = a["name"] if i < 50 else "%s %d" % (a["name"], i // 50)
    rec = {
        "attributes": {"type": "Account", "url": "/services/data/v58.0/sobjects/Account/" + aid},
        "Id": aid,
        "IsDeleted": False,
        "ParentId": None,
        "Name": name,
        "Type": a["type"],
        "AccountNumber": "%s-%04d" % (c["AccountNumber"], i % 10000),
        "Industry": a["industry"],
        "Phone": a["phone"],
        "Fax": a["fax"],
        "Website": a["website"],
        "NumberOfEmployees": a["NumberOfEmployees"] + i,
        "AnnualRevenue": a["annualrevenue"],
        "Ownership": c["Ownership"],
        "Rating": c.get("Rating"),
        "Sic": c["Sic"],
        "TickerSymbol": c.get("TickerSymbol"),
        "Description": c.get("Description") or a["description"],
        "BillingStreet": a["billingstreet"],
        "BillingCity": a["billingcity"],
        "BillingState": a["billingstate"],
        "BillingPostalCode": a["billingpostalcode"],
        "BillingCountry": a["billingcountry"],
        "ShippingStreet": a["shippingstreet"],
        "ShippingCity": a["shippingcity"],
        "ShippingState": a["shippingstate"],
        "ShippingPostalCode": a["shippingpostalcode"],
        "ShippingCountry": a["billingcountry"],
        "OwnerId": sf_id("005", i % 7),
        "CreatedDate": iso(i, i * 37),
        "LastModifiedDate": iso(i + 40, i * 53),
        "SystemModstamp": iso(i + 40, i * 53 + 1),
        "CleanStatus": c["CleanStatus"],
    }
    return rec


def body(n, apex, dc):
    data = [account(i, apex[i % len(apex)], dc[i % len(dc)]) for i in range(n)]
    doc = {
        "diy": True,
        "type": "hook",
        "function": "doSomething",
        "options": {
            "data": data,
            "_importId": "65aa0000000000000000%04x" % (n % 65536),
            "bearerToken": "ott" + "%032x" % (0x5EED0000 + n),
        },
    }
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", required=True, help="the shared data folder (…/shared/data)")
    ap.add_argument("--out", required=True, help="folder for body-<N>.json")
    ap.add_argument("--sizes", default="1,20,100,1000", help="comma-separated page sizes")
    args = ap.parse_args()

    apex = load_records(os.path.join(args.data_dir, "apex-recipes", "Accounts.json"))
    dc = load_records(os.path.join(args.data_dir, "dcarroll-data-import-test-org", "Account.json"))
    os.makedirs(args.out, exist_ok=True)
    for s in args.sizes.split(","):
        n = int(s)
        if n < 1:
            sys.exit("make_pages: page size must be >= 1, got %d" % n)
        b = body(n, apex, dc)
        with open(os.path.join(args.out, "body-%d.json" % n), "wb") as f:
            f.write(b)
        print("%d %d %d" % (n, len(b), len(b) // n))


if __name__ == "__main__":
    main()
