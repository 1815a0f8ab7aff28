#!/usr/bin/env python3
"""sfns_invoice_gen.py — the request body of the sfnsInvoiceStatus benchmark: one preSavePage call
on a page of NetSuite invoices, customer payments and credit memos of realistic shape.

The page looks like a NetSuite saved-search / real-time export as integrator.io delivers it: lower
case field ids, select fields as references {internalId, name[, externalId]}, amounts as decimal
text, ISO dates, about 1 KB per invoice. Customers are named after the Accounts of the shared
sample data (apex-recipes/Accounts.json, read at run time; nothing copied into the repository),
each with a Salesforce Account Id as its external id; invoices name their Opportunity through
custbody_sf_opportunity_id or the sales order they were created from (createdfrom.externalId);
payments pay some invoices in full, some in part, some over two payments; credit memos credit
part of an invoice and keep a remainder; due dates range from next month to 400 days past the
run time. Deterministic for a given --seed.

Usage: sfns_invoice_gen.py --data-dir DIR --records N [--seed S] --out FILE
Prints: records, bytes, and the count of each record type.
"""
import argparse
import json
import random
import sys
from datetime import date, timedelta

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
RUN_AT = date(2024, 6, 15)


def sf_id(prefix, n):
    """An 18-character Salesforce Id: key prefix + 12 base-62 characters + checksum."""
    v = ((n + 7) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    body = ""
    for _ in range(12):
        body += B62[v % 62]
        v //= 62
    id15 = prefix + body
    suffix = ""
    for c in range(3):
        bits = 0
        for i in range(5):
            if "A" <= id15[c * 5 + i] <= "Z":
                bits |= 1 << i
        suffix += SUFFIX[bits]
    return id15 + suffix


def money(cents):
    return "%d.%02d" % (cents // 100, cents % 100)


def ref(internal_id, name, external_id=None):
    r = {"internalId": str(internal_id), "name": name}
    if external_id is not None:
        r["externalId"] = external_id
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    with open(a.data_dir + "/apex-recipes/Accounts.json", encoding="utf-8") as f:
        names = [r.get("name") or r.get("Name") for r in json.load(f)["records"]]
    names = [n for n in names if n]
    if not names:
        sys.exit("sfns_invoice_gen: no Account names in apex-recipes/Accounts.json")

    records = []
    counts = {"invoice": 0, "customerpayment": 0, "creditmemo": 0}
    customer = 0
    next_tx = 1000
    opp = 0
    while len(records) < a.records:
        customer += 1
        cust_id = 3000 + customer
        name = names[customer % len(names)] + ("" if customer <= len(names) else " %d" % customer)
        account = sf_id("001", customer)
        entity = ref(cust_id, "%d %s" % (cust_id, name), account)
        invoices = []
        for _ in range(rnd.randint(2, 4)):
            if len(records) >= a.records:
                break
            next_tx += 1
            opp += 1
            opportunity = sf_id("006", opp if rnd.random() < 0.8 else opp - 1)
            trandate = RUN_AT - timedelta(days=rnd.randint(5, 430))
            terms = rnd.choice([(1, "Net 15", 15), (2, "Net 30", 30), (4, "Net 60", 60)])
            duedate = trandate + timedelta(days=terms[2])
            sub = rnd.randint(5000, 2500000)
            disc = rnd.choice([0, 0, sub // 20])
            tax = (sub - disc) * 8 // 100
            total = sub - disc + tax
            inv = {
                "id": str(next_tx), "recordType": "invoice", "tranid": "INV%06d" % next_tx,
                "entity": entity,
                "trandate": trandate.isoformat(), "duedate": duedate.isoformat(),
                "terms": ref(terms[0], terms[1]),
                "postingperiod": ref(100 + trandate.month, trandate.strftime("%b %Y")),
                "subsidiary": ref(1, "Parent Company"),
                "currency": ref(1, "USD"), "exchangerate": "1.00",
                "subtotal": money(sub), "discounttotal": money(disc), "taxtotal": money(tax),
                "total": money(total),
                "account": ref(123, "1100 Accounts Receivable"),
                "location": ref(rnd.randint(1, 4), "Warehouse"),
                "department": ref(rnd.randint(1, 6), "Sales"), "class": ref(1, "Retail"),
                "memo": "Order %s" % name, "otherrefnum": "PO-%05d" % rnd.randint(1, 99999),
                "createddate": trandate.isoformat() + "T09:12:00.000-07:00",
                "lastmodifieddate": RUN_AT.isoformat() + "T03:04:05.000-07:00",
            }
            if rnd.random() < 0.5:
                inv["custbody_sf_opportunity_id"] = opportunity
            else:
                inv["createdfrom"] = ref(next_tx + 50000, "Sales Order #SO%06d" % next_tx,
                                         opportunity)
            invoices.append([inv, total, total])  # record, total, still due
            records.append(inv)
            counts["invoice"] += 1
        # credit memos: part of one invoice, with something left to apply
        if invoices and rnd.random() < 0.3 and len(records) < a.records:
            target = rnd.choice(invoices)
            credit = max(100, target[2] // 5)
            extra = rnd.randint(0, 5000)
            next_tx += 1
            records.append({
                "id": str(next_tx), "recordType": "creditmemo", "tranid": "CM%06d" % next_tx,
                "entity": entity, "trandate": (RUN_AT - timedelta(days=rnd.randint(1, 30))).isoformat(),
                "currency": ref(1, "USD"), "total": money(credit + extra),
                "unapplied": money(extra), "status": "Open",
                "apply": [{"apply": True, "doc": target[0]["id"], "line": 0, "type": "Invoice",
                           "refnum": target[0]["tranid"], "amount": money(credit)}],
            })
            target[2] -= credit
            counts["creditmemo"] += 1
        # payments: 0 to 2, each paying some invoices in full or in part
        for _ in range(rnd.randint(0, 2)):
            if len(records) >= a.records:
                break
            open_ = [i for i in invoices if i[2] > 0]
            if not open_:
                break
            lines = []
            paid = 0
            for i in rnd.sample(open_, rnd.randint(1, len(open_))):
                amount = i[2] if rnd.random() < 0.6 else max(1, i[2] // rnd.randint(2, 4))
                i[2] -= amount
                paid += amount
                lines.append({"apply": True, "doc": i[0]["id"], "line": len(lines),
                              "type": "Invoice", "refnum": i[0]["tranid"],
                              "total": money(i[1]), "due": money(i[2] + amount),
                              "amount": money(amount)})
            unapplied = rnd.choice([0, 0, 0, rnd.randint(100, 20000)])
            next_tx += 1
            records.append({
                "id": str(next_tx), "recordType": "customerpayment", "tranid": "PYMT%06d" % next_tx,
                "customer": entity,
                "trandate": (RUN_AT - timedelta(days=rnd.randint(0, 60))).isoformat(),
                "payment": money(paid + unapplied), "applied": money(paid),
                "unapplied": money(unapplied), "currency": ref(1, "USD"), "status": "Deposited",
                "account": ref(1, "1000 Checking"), "memo": "Check %d" % rnd.randint(1000, 9999),
                "apply": lines,
            })
            counts["customerpayment"] += 1
        for inv, total, due in invoices:
            inv["amountremaining"] = money(due)
            inv["amountpaid"] = money(total - due)
            inv["status"] = "Paid In Full" if due == 0 else "Open"

    body = {"diy": True, "function": "sfnsInvoiceStatus", "options": {
        "data": records[:a.records], "errors": [],
        "currentExportDateTime": RUN_AT.isoformat() + "T12:00:00.000Z",
        "lastExportDateTime": (RUN_AT - timedelta(days=1)).isoformat() + "T12:00:00.000Z",
        "settings": {"sfns": {"invoices": {}}},
        "_exportId": "5f1e0c0a8b9d4e0012345678", "_flowId": "5f1e0c0a8b9d4e0087654321",
        "_integrationId": "5f1e0c0a8b9d4e0011112222", "pageIndex": 0,
        "bearerToken": "bench-bearer-token", "testMode": False}}
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    print("records=%d bytes=%d invoices=%d payments=%d creditmemos=%d customers=%d" % (
        len(records[:a.records]), len(text.encode()), counts["invoice"],
        counts["customerpayment"], counts["creditmemo"], customer))


if __name__ == "__main__":
    main()
