/* sfns_address.h — postal addresses between Salesforce (BillingStreet, a multi-line text, and
 * City, State, PostalCode, Country, or the StateCode/CountryCode picklist fields) and NetSuite
 * (addr1..addr3, city, state, zip, country on an addressbook line, or a saved search's flat
 * billaddress1.. columns), with countries as ISO 3166-1 alpha-2 and US/Canadian states as codes.
 * The canonical text (sfns_address_value) compares and hashes an address the same on both sides. */
#ifndef SFNS_ADDRESS_H
#define SFNS_ADDRESS_H

#include "sfns_own.h"

typedef struct sfns_address {
    const char *line[3]; /* street lines, trimmed, no empty line before a full one */
    const char *city, *state, *zip;
    const char *country;      /* alpha-2; NULL when none given or not recognised */
    const char *country_text; /* the country as given, when it was not recognised */
    const char *state_text;   /* the state as given, when a US/CA state was not recognised */
    int any;                  /* some component was given */
} sfns_address;

/* How a Salesforce street becomes addr1..addr3. */
typedef struct sfns_address_opts {
    int split_street;            /* lines on newlines (else one line, joined with ", ") */
    const char *default_country; /* alpha-2 for an address that names none, or NULL */
} sfns_address_opts;

/* The Salesforce address whose fields start with prefix ("Billing", "Shipping"). SFNS_ABSENT
 * when the record has none of its fields, SFNS_EMPTY when all are empty. */
sfns_presence sfns_address_from_salesforce(hs_ctx *ctx, const hs_json *rec, const char *prefix,
                                           const sfns_address_opts *o, sfns_address *out);
/* The NetSuite customer's default billing (billing 1) or shipping address: the addressbook line
 * flagged defaultbilling/defaultshipping (addressbook, addressbookList.addressbook or
 * addressbook.items; the address directly on the line or in addressbookaddress), else the flat
 * columns billaddress1..3, billcity, billstate, billzipcode, billcountry(code) (ship... alike). */
sfns_presence sfns_address_from_netsuite(hs_ctx *ctx, const hs_json *rec, int billing,
                                         const sfns_address_opts *o, sfns_address *out);

/* The canonical value: street lines, city, state, zip and country joined with separators. */
sfns_value sfns_address_value(hs_ctx *ctx, sfns_presence p, const sfns_address *a);

/* An addressbook line for the NetSuite import: {defaultbilling, defaultshipping, label, addr1,
 * addr2, addr3, city, state, zip, country}. */
hs_json *sfns_address_to_netsuite(hs_ctx *ctx, const sfns_address *a, int billing);
/* Sets <prefix>Street (lines joined with "\n"), City, State, PostalCode and Country (the country's
 * name) on out — or <prefix>StateCode and <prefix>CountryCode when codes is set (Salesforce
 * state and country picklists). */
hs_status sfns_address_to_salesforce(hs_ctx *ctx, hs_json *out, const char *prefix,
                                     const sfns_address *a, int codes);

#endif
